"""A corrected edition of a document keeps every reference: a typo fixed in one place and one
paragraph reworded in another move no paragraph to another address."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.library.seeds_kit import (
    HRD_PLAN,
    MINORITY,
    PARIS_COMMITMENTS,
    PARIS_PLAN,
    R2P,
    SEEDS,
    needs_seeds,
    parsed,
)

from tocsin.library import parse_file

pytestmark = needs_seeds

# Per seed: a typo the file really has and its fix, then a paragraph reworded (old words, new
# words) and the reference it must still be found at.
CORRECTIONS = {
    PARIS_PLAN: (
        ("Secretary-Generals Human", "Secretary-General's Human"),
        ("mines and Improvised", "mines, unexploded ordnance and Improvised"),
        "paris-action-plan-2015/1/2/b7",
    ),
    HRD_PLAN: (
        ("and human right defenders", "and human rights defenders"),
        ("for young people to 18.", "for young people to 18 years, without exception."),
        "hrd-summit-plan-of-action-1998/annex-1-1/1.1/60",
    ),
    R2P: (
        ("Essentailly its readily", "Essentially, it is a readily"),
        ("of public broadcasting services.", "of public broadcasting and community radio."),
        "r2p-framework-for-action-2023/1/1.7/r3",
    ),
    PARIS_COMMITMENTS: (
        ("rerecruitment", "re-recruitment"),
        ("including political propaganda.", "including propaganda of any kind."),
        "paris-commitments-2007/-/-/13",
    ),
    MINORITY: (
        ("capacity or regional", "capacity of regional"),
        ("message of zero tolerance", "message of no tolerance"),
        "minority-forum-atrocity-prevention-excerpt/-/-/b7",
    ),
}


@pytest.mark.parametrize("name", sorted(CORRECTIONS))
def test_a_corrected_edition_keeps_every_reference(name: str, tmp_path: Path) -> None:
    (typo, fixed), (old, new), changed = CORRECTIONS[name]
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert text.count(typo) == 1 and text.count(old) == 1, "the seed changed: update the test"
    corrected = tmp_path / name
    corrected.write_text(text.replace(typo, fixed).replace(old, new), encoding="utf-8")

    before = parsed(name).document
    after = parse_file(corrected).document

    assert after.references() == before.references()
    assert after.sha256 != before.sha256
    old_item, new_item = before.find(changed), after.find(changed)
    assert old_item is not None and new_item is not None
    assert old in old_item.text and new in new_item.text
    # The other items are unchanged but for the typo.
    differing = [
        a.reference
        for a, b in zip(before.items(), after.items(), strict=True)
        if a.text != b.text
    ]
    assert changed in differing and len(differing) <= 2
