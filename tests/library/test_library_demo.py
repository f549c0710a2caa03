"""The demo's library: the seed plans imported under their file names, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import MakeActor
from tests.library.seeds_kit import PARIS_COMMITMENTS, SEEDS, needs_seeds, parsed
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.library.demo import load_demo_library, seeds_folder
from tocsin.library.store import list_documents


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@needs_seeds
def test_the_seeds_are_imported_once_under_their_file_names(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEEDS / PARIS_COMMITMENTS, folder)
    (folder / "README.md").write_text("not a plan\n")
    curator = make_actor(Role.ANALYST)
    with db.session() as s:
        items = load_demo_library(s, curator, folder)
    expected = len(list(parsed(PARIS_COMMITMENTS).document.items()))
    assert items == expected >= 20  # the 20 commitments, and the paragraphs around them
    with db.session() as s:
        again = load_demo_library(s, curator, folder)  # a second `demo load` adds nothing
        documents = list_documents(s, curator)
    assert again == 0
    assert [(d.slug, d.items, d.tlp) for d in documents] == [
        ("paris-commitments-2007", expected, "CLEAR")
    ]


def test_no_folder_no_library(db: Database, make_actor: MakeActor, tmp_path: Path) -> None:
    curator = make_actor(Role.ANALYST)
    with db.session() as s:
        assert load_demo_library(s, curator, None) == 0
        assert load_demo_library(s, curator, tmp_path / "missing") == 0
        assert list_documents(s, curator) == []


@needs_seeds
def test_the_demo_finds_the_seeds_beside_the_checkout() -> None:
    folder = seeds_folder()
    assert folder is not None and folder.resolve() == SEEDS.resolve()
    assert len(list(folder.glob("*.txt"))) == 5
