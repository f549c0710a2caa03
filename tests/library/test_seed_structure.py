"""Each seed imports with its own numbering and headings right.

Every expected number here was counted by hand from the file, as the comments say; line numbers
are those of the file (``cat -n``). The parser's job is to find the same.
"""

# ruff: noqa: RUF001, RUF003 - en dashes as the seeds print them

from __future__ import annotations

from collections import Counter

from tests.library.seeds_kit import (
    HRD_PLAN,
    MINORITY,
    PARIS_COMMITMENTS,
    PARIS_PLAN,
    R2P,
    needs_seeds,
    opening,
    parsed,
)

from tocsin.library import EntryKind, ItemKind

pytestmark = needs_seeds


def _section_sizes(name: str, kind: ItemKind) -> dict[str, int]:
    document = parsed(name).document
    return {
        s.reference.split("/", 1)[1]: sum(1 for i in s.items if i.kind == kind)
        for s in document.sections()
        if s.printed
    }


def test_paris_action_plan_parts_sections_and_bullets() -> None:
    result = parsed(PARIS_PLAN)
    # Three "PART n:" headings (lines 23, 134, 257). Sections "1)"... under them: Part 1 has
    # 1) and 2); Part 2 has 1) to 3); Part 3 has 1) to 5): ten. Nothing is numbered below the
    # sections: the actions are "•" bullets, 59 of them (grep -c '•' gives 59, one per bullet),
    # by section 8, 10 / 5, 9, 3 / 2, 6, 7, 3, 6. Two unnumbered paragraphs: the preamble
    # (lines 5-19) and Part 1's introduction (lines 27-33).
    assert result.report.counts == {
        "part": 3, "section": 10, "paragraph": 0, "subparagraph": 0,
        "bullet": 59, "row": 0, "text": 2,
    }  # fmt: skip
    assert _section_sizes(PARIS_PLAN, ItemKind.BULLET) == {
        "1/1": 8, "1/2": 10, "2/1": 5, "2/2": 9, "2/3": 3,
        "3/1": 2, "3/2": 6, "3/3": 7, "3/4": 3, "3/5": 6,
    }  # fmt: skip
    assert result.document.title == "THE PARIS ACTION PLAN"
    assert result.report.layout == "wrapped"  # a line of text, a blank line, and so on


def test_paris_action_plan_spot_checks() -> None:
    result = parsed(PARIS_PLAN)
    doc = "paris-action-plan-2015"
    assert opening(result, f"{doc}/2/1/b3", 5) == "Establish a data-base to cross-check"
    assert opening(result, f"{doc}/3/1/b2", 5) == "Develop and utilize early warning"
    assert opening(result, f"{doc}/3/5/b4", 7) == "Fight against the illicit traffic of cultural"
    assert opening(result, f"{doc}/3/5/b6", 6) == "Draw up and distribute to armed"
    # A heading wrapped over two lines (82 and 84) is one heading.
    heading = result.document.find(f"{doc}/1/2")
    assert heading is not None
    assert heading.heading.endswith("reintegration of displaced populations")
    # "counter-" at the end of line 289 and "terrorist" on line 291 keep their hyphen ...
    assert "during counter-terrorist operations;" in opening(result, f"{doc}/3/2/b3", 40)
    # ... and a sentence ending exactly at the wrap (line 29) does not end the paragraph.
    intro = result.document.find(f"{doc}/1/-/p1")
    assert intro is not None and intro.text.endswith("housing, livelihoods, education, health.")
    assert not result.report.entries


def test_hrd_summit_paragraphs_one_to_a_hundred() -> None:
    result = parsed(HRD_PLAN)
    # Paragraphs are numbered 1 to 100 straight through the plan and its Annex 1 (last line:
    # "100. The United Nations bodies..."). Parts: INTRODUCTION, "1. ACTIONS",
    # "2. MECHANISM OF CO-ORDINATION AND FOLLOW-UP", and in Annex 1 "1. ACTIONS AND CAMPAIGNS..."
    # and "2. CAMPAIGN ACTIVITIES": five. Sections: 1.1. to 1.3. (lines 17, 52, 85), (a) to (c)
    # (lines 102, 109, 117), and in the annex 1.1 to 1.3 (129, 146, 160), 2.1 and 2.2 (183,
    # 192): eleven. Three unnumbered paragraphs introduce lists (lines 54, 87, 206).
    assert result.report.counts == {
        "part": 5, "section": 11, "paragraph": 100, "subparagraph": 0,
        "bullet": 0, "row": 0, "text": 3,
    }  # fmt: skip
    numbers = [int(item.key) for item in result.document.items() if item.kind == "paragraph"]
    assert numbers == list(range(1, 101))
    parts = [part.reference.rsplit("/", 1)[1] for part in result.document.parts]
    assert parts == ["introduction", "1", "2", "annex-1-1", "annex-1-2"]
    assert result.document.front_matter == (
        "THE INTERNATIONAL ASSEMBLY", "Paris, December 1998", "ADOPTED PLAN OF ACTION",
    )  # fmt: skip


def test_hrd_summit_copy_artefacts_are_repaired_and_reported() -> None:
    result = parsed(HRD_PLAN)
    doc = "hrd-summit-plan-of-action-1998"
    # Line 27 "- 0 To develop ... during the" and line 29 "7. aforementioned Conferences...":
    # paragraph 7 with its number moved to its second line.
    seven = result.document.find(f"{doc}/1/1.1/7")
    assert seven is not None and seven.lines == (27, 29)
    assert seven.text.startswith("To develop national plans and join forces")
    assert seven.text.endswith("during the aforementioned Conferences and on this Plan of Action.")
    # Line 48 "7. defenders." is a page number in front of the end of paragraph 18.
    eighteen = result.document.find(f"{doc}/1/1.1/18")
    assert eighteen is not None
    assert eighteen.text.endswith("assistance and reparation of defenders.")
    # Line 69, "7." alone, is a page number; lines 135-137 are one paragraph (56).
    artefacts = {(e.line, e.text) for e in result.report.artefacts}
    assert (69, "7.") in artefacts and (48, "7. defenders.") in artefacts
    assert {e.line for e in result.report.repairs} == {27, 29}
    fifty_six = opening(result, f"{doc}/annex-1-1/1.1/56", 40)
    assert fifty_six.endswith("source of human rights violations,")


def test_hrd_summit_spot_checks_and_context() -> None:
    result = parsed(HRD_PLAN)
    doc = "hrd-summit-plan-of-action-1998"
    assert opening(result, f"{doc}/introduction/-/1", 4) == "We the participants in"
    assert opening(result, f"{doc}/2/a/45", 5) == "There are already various national,"
    assert opening(result, f"{doc}/annex-1-2/2.2/100", 5) == "The United Nations bodies adopt"
    twenty_one = result.document.find(f"{doc}/1/1.2/21")
    assert twenty_one is not None and twenty_one.context[-1] == "For prevention:"
    ninety_seven = result.document.find(f"{doc}/annex-1-2/2.2/97")
    assert ninety_seven is not None
    assert ninety_seven.context[0] == "Regarding the States and the existence of Impunity"


def test_r2p_framework_actions_and_table_rows() -> None:
    result = parsed(R2P)
    # Parts "Part 1" to "Part 4" (lines 12, 150, 182, 216). Sections "Action 1.1" to "1.14",
    # "2.1" to "2.3", "3.1" to "3.3", "4.1" to "4.5": 25. Each action's recommendations are rows
    # of one-column tables ("text |"). Of the 290 lines, 249 end in "|": 30 "---|" rules, 31
    # header rows (the 30 lines above a rule, plus "Recommended actions |" on line 218) and 188
    # rows. Rows by section, counted between the headers: see below. Four rows carry a "•" list
    # whose first item was kept (lines 180, 255, 267, 273) and the preamble has four "- "
    # bullets (lines 5-8): 8 bullets. Four unnumbered paragraphs (lines 2, 3, 4, 9).
    assert result.report.counts == {
        "part": 4, "section": 25, "paragraph": 0, "subparagraph": 0,
        "bullet": 8, "row": 188, "text": 4,
    }  # fmt: skip
    assert _section_sizes(R2P, ItemKind.ROW) == {
        "1/1.1": 9, "1/1.2": 4, "1/1.3": 6, "1/1.4": 13, "1/1.5": 9, "1/1.6": 4, "1/1.7": 3,
        "1/1.8": 7, "1/1.9": 5, "1/1.10": 9, "1/1.11": 6, "1/1.12": 6, "1/1.13": 9,
        "1/1.14": 5, "2/2.1": 5, "2/2.2": 5, "2/2.3": 9, "3/3.1": 7, "3/3.2": 10, "3/3.3": 7,
        "4/4.1": 17, "4/4.2": 2, "4/4.3": 21, "4/4.4": 6, "4/4.5": 4,
    }  # fmt: skip


def test_r2p_framework_spot_checks() -> None:
    result = parsed(R2P)
    doc = "r2p-framework-for-action-2023"
    first = result.document.find(f"{doc}/1/1.1/r1")
    assert first is not None and first.text.startswith("Reform existing national laws")
    # "...on the grounds of identity.3 |": the footnote call comes out of the text.
    assert first.text.endswith("on the grounds of identity.") and first.footnotes == ("3",)
    pbc = result.document.find(f"{doc}/4/4.1/r9")
    assert pbc is not None and pbc.context == (
        "Recommended actions for members of the Peacebuilding Commission",
    )
    assert opening(result, f"{doc}/2/2.3/r8.b1", 4) == "discontinue military or security"
    assert opening(result, f"{doc}/4/4.5/r4", 40).endswith("Prosecutor for investigation.")
    assert opening(result, f"{doc}/3", 4) == "Preventing and Responding to"
    # "You can read the full report here (PDF, 2.2MB)" and "Click here to download...".
    assert [e.line for e in result.report.artefacts] == [10, 11]
    assert not result.report.unplaced


def test_paris_commitments_twenty_with_three_numbers_restored() -> None:
    result = parsed(PARIS_COMMITMENTS)
    # "We commit ourselves:" then "1 To spare..." and "2 To make...", then "- 3" to "- 20", where
    # three items lost their number ("- To ensure..." line 46, "- To advocate..." line 52,
    # "- To ensure that any funding..." line 55: 11, 16 and 19). Seven preambular paragraphs
    # (lines 12-14, 16, 18, 20, 22, 24, 26). No parts or sections.
    assert result.report.counts == {
        "part": 0, "section": 0, "paragraph": 20, "subparagraph": 0,
        "bullet": 0, "row": 0, "text": 7,
    }  # fmt: skip
    items = [i for i in result.document.items() if i.kind == "paragraph"]
    assert [int(i.key) for i in items] == list(range(1, 21))
    assert [i.key for i in items if i.inferred] == ["11", "16", "19"]
    doc = "paris-commitments-2007"
    assert opening(result, f"{doc}/-/-/1", 4) == "To spare no effort"
    assert opening(result, f"{doc}/-/-/11", 9) == "To ensure that children under 18 years of age"
    assert opening(result, f"{doc}/-/-/20", 3) == "In that context,"
    # "last-" (line 12) and "ing solutions" (line 14) are one word.
    assert "implementing lasting solutions" in opening(result, f"{doc}/-/-/p1", 80)
    twelve = result.document.find(f"{doc}/-/-/12")
    assert twelve is not None and twelve.context == ("In particular, we commit ourselves:",)


def test_minority_forum_excerpt_with_its_artefacts() -> None:
    result = parsed(MINORITY)
    # One physical line holds it all: "- - - - - - -" (seven list markers whose items follow
    # run together: nine sentences, "The relevance..." to "The need to invest..."), then
    # "Item V. After violence breaks out – ..." run into its first paragraph, and a page number
    # "14" at the end. The last line is the platform's "Select target paragraph3". Nothing is
    # numbered: one part (Item V), nine bullets, one paragraph.
    assert result.report.counts == {
        "part": 1, "section": 0, "paragraph": 0, "subparagraph": 0,
        "bullet": 9, "row": 0, "text": 1,
    }  # fmt: skip
    doc = "minority-forum-atrocity-prevention-excerpt"
    assert opening(result, f"{doc}/-/-/b1", 6) == "The relevance of the recommendations of"
    assert opening(result, f"{doc}/-/-/b9", 6) == "The need to invest more on"
    assert opening(result, f"{doc}/v", 40) == (
        "After violence breaks out – essential measures for resolution, protection and security"
    )
    body = result.document.find(f"{doc}/v/-/p1")
    assert body is not None and body.text.startswith("This session considered")
    assert body.text.endswith("the protection of places where they")  # "14" taken off
    unplaced = result.report.unplaced
    assert [(e.line, e.text) for e in unplaced] == [(3, "Select target paragraph3")]
    kinds = Counter(e.kind for e in result.report.entries)
    assert kinds == {EntryKind.ARTEFACT: 2, EntryKind.REPAIR: 2, EntryKind.UNPLACED: 1}


def test_every_reference_is_unique_and_resolves() -> None:
    from tests.library.seeds_kit import ALL_SEEDS

    for name in ALL_SEEDS:
        document = parsed(name).document
        references = document.references()
        assert len(references) == len(set(references)), name
        assert all(document.find(ref) is not None for ref in references)
