"""Bad input gets a clear error or an empty document with a report, never a crash."""

# ruff: noqa: RUF001 - a typographic apostrophe, as French text prints it

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.library import Document, DocumentUnreadable, EntryKind, parse_bytes, parse_text
from tocsin.library.parse import source


def test_an_empty_file_is_an_empty_document_with_a_report() -> None:
    for data in (b"", b"\n\n   \n\t\n", "\ufeff".encode()):
        result = parse_bytes(data, "empty.txt")
        assert result.document.parts == () and result.document.title == "Empty"
        assert [e.reason for e in result.report.entries] == ["the document has no text"]
        assert result.report.entries[0].kind == EntryKind.GAP


@pytest.mark.parametrize(
    "junk",
    [
        bytes(range(256)) * 40,  # every byte value, NUL included
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x10" * 100,
        b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f" * 200,  # control characters, no NUL
    ],
)
def test_binary_junk_is_a_clear_error(junk: bytes) -> None:
    with pytest.raises(DocumentUnreadable, match="binary"):
        parse_bytes(junk, "plan.txt")


def test_a_file_too_large_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", 1000)
    with pytest.raises(DocumentUnreadable, match="larger than"):
        parse_bytes(b"1. Do this.\n" * 200, "plan.txt")


def test_text_in_windows_1252_or_utf_16_is_read() -> None:
    latin = "1. Protéger les défenseurs.\n2. Suivre l’action.\n".encode("cp1252")
    assert [i.text for i in parse_bytes(latin, "plan.txt").document.items()] == [
        "Protéger les défenseurs.", "Suivre l’action.",
    ]  # fmt: skip
    utf16 = "1. Protect defenders.\n".encode("utf-16")
    assert [i.text for i in parse_bytes(utf16, "plan.txt").document.items()] == [
        "Protect defenders."
    ]


def test_a_huge_line_becomes_one_paragraph() -> None:
    line = "Every State should protect the people at risk in its territory. " * 40_000
    result = parse_text(line, "huge.txt")  # 2.6 million characters on one line
    (item,) = result.document.items()
    assert item.kind == "text" and item.text == line.strip()
    assert result.report.lines_read == 1


def test_a_huge_run_together_list_is_cut_into_its_items() -> None:
    text = "- - - - - " + " ".join(f"The need to act on warning {i}." for i in range(20_000))
    result = parse_text(text, "run-together.txt")
    assert result.report.counts["bullet"] == 20_000


def _covered(document: Document, lines: set[int], reported: set[int]) -> set[int]:
    """The lines the result accounts for: in a part, in the report, or above the body."""
    first_item = min((item.lines[0] for item in document.items()), default=None)
    spans = [part.lines for part in document.parts]
    return {
        n
        for n in lines
        if n in reported
        or first_item is None
        or n < first_item
        or any(a <= n <= b for a, b in spans)
    }


_PIECES = st.sampled_from([
    "1.", "2.", "3.", "7.", "12.", "(a)", "(b)", "(i)", "b)", "•", "-", "- 4", "1)", "2)",
    "PART 1:", "Part II", "Annex 1", "Action 1.2", "1.1", "2.3.", "A.", "IV.", "INTRODUCTION",
    "For prevention:", "Recommended actions |", "---|", "|", "cell | cell |", "14", "Page 3",
    "the", "protect", "civilians", "Early", "warning", "counter-", "terrorism", "States",
    "should", "act.", "now;", "and", "ing", "Click here", "(PDF, 2MB)", "”", "identity.3",
])  # fmt: skip
_LINES = st.lists(st.lists(_PIECES, min_size=0, max_size=12).map(" ".join), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES)
def test_any_arrangement_of_markers_parses_and_loses_no_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = parse_text(text, "generated.txt")
    document = result.document
    references = document.references()
    assert len(references) == len(set(references))
    assert all(item.text.strip() for item in document.items())
    nonblank = {n for n, line in enumerate(text.split("\n"), start=1) if line.strip()}
    reported = {entry.line for entry in result.report.entries}
    assert _covered(document, nonblank, reported) == nonblank


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_parses(text: str) -> None:
    result = parse_text(text, "any.txt")
    assert result.report.lines_read >= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "<h1>", "</h1>", "<h2>", "<p>", "</p>", "<ol>", "<ol start='x'>", "<ol type='i'>", "</ol>",
    "<ul>", "</ul>", "<li>", "</li>", "<table>", "<tr>", "<th>", "<td>", "</td>", "</tr>",
    "<nav>", "</nav>", "<script>", "</script>", "<br>", "&amp;", "&#0;", "1. Do", "Part 1",
    "text", "more text.", "<title>", "</title>", "<li value='9'>", "</table>", "<",
])).map("".join))
def test_any_tag_soup_parses(soup: str) -> None:
    html = f"<!DOCTYPE html><html><body>{soup}</body></html>".encode()
    with contextlib.suppress(DocumentUnreadable):  # a NUL reference can make it binary
        parse_bytes(html, "soup.html")
