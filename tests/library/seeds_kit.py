"""The seed documents beside the checkout (../shared/seeds), parsed once per test session.

The project does not copy their text: tests read them where they are, and skip without them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tocsin.library import ParsedDocument, parse_file

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PARIS_PLAN = "paris-action-plan-2015.txt"
HRD_PLAN = "hrd-summit-plan-of-action-1998.txt"
R2P = "r2p-framework-for-action-2023.txt"
PARIS_COMMITMENTS = "paris-commitments-2007.txt"
MINORITY = "minority-forum-atrocity-prevention-excerpt.txt"
ALL_SEEDS = (PARIS_PLAN, HRD_PLAN, R2P, PARIS_COMMITMENTS, MINORITY)

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo"
)


@cache
def parsed(name: str) -> ParsedDocument:
    return parse_file(SEEDS / name)


def opening(parsed_document: ParsedDocument, reference: str, words: int = 6) -> str:
    """The first words of the item (or the heading of the part or section) at ``reference``."""
    node = parsed_document.document.find(reference)
    assert node is not None, f"{reference} not found"
    text = getattr(node, "text", None) or node.heading
    return " ".join(text.split()[:words])
