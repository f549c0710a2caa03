"""The demo's action library: the plain-text seed documents beside a source checkout
(``../shared/seeds/*.txt``), each imported under its file name as slug
(``paris-commitments-2007``...), which other demos refer to."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.library import parse_file
from tocsin.library.classify import Classifier
from tocsin.library.store import correction_examples, import_document
from tocsin.library.store.models import LibraryDocument


def seeds_folder() -> Path | None:
    """``../shared/seeds`` beside a source checkout, found as ``risk.demo.shared_folder`` finds
    ``../shared`` (an installed package has none)."""
    folder = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
    return folder if folder.is_dir() else None


def load_demo_library(session: Session, actor: Actor, seeds: Path | None) -> int:
    """Import every ``*.txt`` in ``seeds`` (``seeds_folder()`` in the demo) whose slug is not
    in the library yet; the number of items imported. Nothing when there is no such folder."""
    if seeds is None or not seeds.is_dir():
        return 0
    folder = seeds
    present = set(session.scalars(select(LibraryDocument.slug)))
    files = [f for f in sorted(folder.glob("*.txt")) if f.stem not in present]
    if not files:
        return 0
    # One classifier for every document: building it encodes the taxonomy (with embeddings)
    classifier = Classifier(correction_examples(session))
    items = 0
    for file in files:
        parsed = parse_file(file)
        result = import_document(session, actor, parsed, file.stem, classifier=classifier)
        items += result.document.items
    return items
