"""The parsing rules on small plans written for the test: each rule is a pattern of numbering
or layout, not a special case of one seed."""

# ruff: noqa: RUF001 - en dashes as documents print them

from __future__ import annotations

import pytest

from tocsin.library import EntryKind, Reference, parse_text
from tocsin.library.parse.markers import Style, heading_like, read_marker
from tocsin.library.references import document_slug


def _keys(text: str) -> list[str]:
    return [item.reference.split("/", 1)[1] for item in parse_text(text, "t.txt").document.items()]


def test_lettered_and_roman_sub_paragraphs_hang_under_their_paragraph() -> None:
    text = """1. States should:
(a) adopt laws that protect defenders;
(b) train the police:
(i) on the use of force;
(ii) on detention.
(h) keep records;
(i) publish them.
2. Donors should pay for it."""
    assert _keys(text) == [
        "-/-/1", "-/-/1.a", "-/-/1.b", "-/-/1.b.i", "-/-/1.b.ii", "-/-/1.h", "-/-/1.i", "-/-/2",
    ]  # fmt: skip


def test_bullets_after_a_paragraph_ending_in_a_colon_belong_to_it() -> None:
    text = "5. Monitors should record:\n• the date;\n• the place.\n6. Keep records safe.\n• Later."
    assert _keys(text) == ["-/-/5", "-/-/5.b1", "-/-/5.b2", "-/-/6", "-/-/b1"]


def test_hard_wrapped_text_with_blank_lines_between_paragraphs() -> None:
    text = """Guidance for monitors

1. Monitors should record every incident with the date, the place and the
names of the witnesses who agreed to be named, and keep the record in a

- 2 -

safe place, away from the office.

2. Records are shared only with the consent of the people concerned, and
only with organisations that can protect them from reprisals by the perpe-
trators and their allies.
"""
    result = parse_text(text, "guidance.txt")
    one, two = result.document.items()
    assert one.text.endswith("keep the record in a safe place, away from the office.")
    assert two.text.endswith("reprisals by the perpetrators and their allies.")
    assert [(e.kind, e.text) for e in result.report.entries] == [(EntryKind.ARTEFACT, "- 2 -")]


def test_numbering_that_starts_again_in_each_part_is_not_a_fault() -> None:
    text = "PART I: Prevention\n1. Watch.\n2. Warn.\nPART II: Response\n1. Act.\n2. Report."
    result = parse_text(text, "t.txt")
    assert _keys(text) == ["i/-/1", "i/-/2", "ii/-/1", "ii/-/2"]
    assert not result.report.entries


def test_gaps_and_repeated_numbers_are_reported() -> None:
    result = parse_text("1. Watch.\n2. Warn.\n5. Act.\n5. Report.", "t.txt")
    assert [i.key for i in result.document.items()] == ["1", "2", "5", "5~2"]
    reasons = [e.reason for e in result.report.entries]
    assert "paragraph numbers 3 to 4 not found" in reasons
    assert "number printed twice in one section: keyed 5~2" in reasons


def test_a_numbered_heading_is_told_from_a_numbered_list_by_what_follows() -> None:
    heading = "(a) Early warning\n1. Watch the signs.\n2. Tell the network."
    assert _keys(heading) == ["a/-/1", "a/-/2"]  # "(a)" heads what follows
    listed = "Measures:\n(a) Early warning\n(b) Rapid response\n(c) Follow-up"
    assert _keys(listed) == ["-/-/a", "-/-/b", "-/-/c"]  # "(a)" is one of a list


def test_roman_parts_lettered_sections_and_run_in_keywords() -> None:
    text = """I. INTRODUCTION
1. This plan is ours.
II. RECOMMENDATIONS
A. To States
2. Ratify the treaties.
Recommendation 3: Publish a national action plan with dates and budgets.
B. To donors
4. Fund it."""
    assert _keys(text) == ["i/-/1", "ii/a/2", "ii/a/3", "ii/b/4"]
    item = parse_text(text, "t.txt").document.find("t/ii/a/3")
    assert item is not None and item.label == "Recommendation 3"


def test_lost_list_numbers_are_inferred_only_when_they_fill_the_gap() -> None:
    text = "- 1 Watch.\n- Warn.\n- 3 Act.\n- 4 Report.\n- Review.\n- Repeat.\n- 8 Close."
    result = parse_text(text, "t.txt")
    keys = [item.key for item in result.document.items()]
    assert keys == ["1", "2", "3", "4", "b1", "b2", "8"]  # 5 to 7: three gaps, two items
    assert [i.key for i in result.document.items() if i.inferred] == ["2"]


def test_running_heads_between_form_feeds_are_dropped() -> None:
    page = "Plan of action, page {n}\n{body}\nConfidential draft"
    pages = [
        page.format(n=1, body="1. Watch the signs."),
        page.format(n=2, body="2. Tell the network."),
        page.format(n=3, body="3. Act."),
    ]
    result = parse_text("\f".join(pages), "t.txt")
    assert [item.key for item in result.document.items()] == ["1", "2", "3"]
    assert len([e for e in result.report.artefacts if e.reason == "running head"]) == 6


def test_web_page_furniture_and_rules_are_left_out_and_reported() -> None:
    text = "Plan\n1. Act.\nClick here to download the PDF.\n* * *\n2. Report."
    result = parse_text(text, "t.txt")
    assert [item.key for item in result.document.items()] == ["1", "2"]
    assert [e.line for e in result.report.artefacts] == [3, 4]


@pytest.mark.parametrize(
    ("line", "style", "value", "rest"),
    [
        ("PART 2: FIGHTING IMPUNITY", Style.KEYWORD, "2", "FIGHTING IMPUNITY"),
        ("Part 4 – Multilateral", Style.KEYWORD, "4", "Multilateral"),
        ("Item V. After violence", Style.KEYWORD, "v", "After violence"),
        ("Action 1.10 Strengthen", Style.KEYWORD, "1.10", "Strengthen"),
        ("1.1. Actions of defenders", Style.DOTTED, "1.1", "Actions of defenders"),
        ("12. To promote", Style.NUMBER, "12", "To promote"),
        ("2) Prosecuting", Style.NUMBER_PAREN, "2", "Prosecuting"),
        ("- 3 To ensure", Style.DASH_NUMBER, "3", "To ensure"),
        ("1 To spare no effort", Style.BARE, "1", "To spare no effort"),
        ("(iii) on detention", Style.ROMAN, "iii", "on detention"),
        ("b. by saying", Style.LETTER, "b", "by saying"),
        ("• Promote respect", Style.BULLET, "", "Promote respect"),
        ("- 14 -", Style.PAGE_NUMBER, "", ""),
    ],
)
def test_numbering_styles(line: str, style: Style, value: str, rest: str) -> None:
    marker = read_marker(line)
    assert marker is not None
    assert (marker.style, marker.value, marker.rest) == (style, value, rest)


@pytest.mark.parametrize(
    "line", ["Part of the plan is done.", "Item 4 of the agenda", "2.5 million people fled", "2015"]
)
def test_sentences_that_start_like_a_number_are_not_numbered(line: str) -> None:
    marker = read_marker(line)
    assert marker is None or marker.style == Style.PAGE_NUMBER  # "2015" alone: a page number


def test_heading_like() -> None:
    assert heading_like("For prevention:") and heading_like("Regarding the States and impunity")
    assert not heading_like("They deny perpetrators political asylum.")
    assert not heading_like("the rest of a sentence")


def test_references_read_and_write() -> None:
    ref = Reference.parse("hrd-summit/annex-1-1/1.1/54")
    assert (ref.document, ref.part, ref.section, ref.item) == (
        "hrd-summit", "annex-1-1", "1.1", "54",
    )  # fmt: skip
    assert str(ref) == "hrd-summit/annex-1-1/1.1/54"
    assert str(Reference.parse("doc/2")) == "doc/2" and Reference.parse("doc").part is None
    for bad in ("", "a//b", "a/b/c/d/e"):
        with pytest.raises(ValueError, match="not a reference"):
            Reference.parse(bad)
    assert document_slug("Paris Action Plan (2015).PDF") == "paris-action-plan-2015"
