"""Text scraped with its line breaks lost: one physical line holding a list, headings, a page.

Such a line is cut back into lines before anything else: at headings run into the text
("... sectors. Item V. After violence ..."), into one line per sentence when it opens with a run
of empty list markers ("- - - - The relevance ... The need to ..."), and without the page number
left at its end.
"""

# ruff: noqa: RUF001 - dashes and curly quotes are part of the text being cut

from __future__ import annotations

import re
from collections.abc import Sequence

from tocsin.library.parse.cleanup import split_trailing_page_number
from tocsin.library.parse.markers import KEYWORD_DEPTH, empty_bullet_run, is_table_row
from tocsin.library.parse.source import SourceLine
from tocsin.library.report import EntryKind, ReportEntry

FLATTENED = 1200  # characters: longer than any real paragraph line in the plans seen

_KEYWORDS = "|".join(k.capitalize() for k in KEYWORD_DEPTH)
_INLINE_HEADING = re.compile(
    rf"(?<=[.!?;”\"]) (?=(?:{_KEYWORDS}) (?:\d{{1,3}}|[IVXLC]{{1,7}})[.:] +[A-Z])"
)
_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*\s+(?=[A-Z“\"‘(])")
_ABBREVIATIONS = frozenset({
    "mr", "ms", "mrs", "dr", "st", "no", "nos", "art", "arts", "para", "paras", "e.g", "i.e",
    "etc", "vs", "inc", "ltd", "co", "cf", "al", "fig", "vol", "pp", "p", "op", "gen", "rev",
    "sr", "jr", "prof",
})  # fmt: skip


def unflatten(lines: Sequence[SourceLine]) -> tuple[list[SourceLine], list[ReportEntry]]:
    out: list[SourceLine] = []
    notes: list[ReportEntry] = []
    for line in lines:
        if len(line.text) < FLATTENED or is_table_row(line.text) or line.heading:
            out.append(line)
            continue
        pieces, found = _cut(line)
        out.extend(pieces)
        notes.extend(found)
    return out, notes


def _cut(line: SourceLine) -> tuple[list[SourceLine], list[ReportEntry]]:
    notes: list[ReportEntry] = []

    def note(kind: EntryKind, text: str, reason: str) -> None:
        notes.append(ReportEntry(kind, line.number, text, reason, line.page))

    text, page_number = split_trailing_page_number(line.text)
    if page_number is not None:
        note(EntryKind.ARTEFACT, page_number, "page number at the end of run-together text")
    markers = empty_bullet_run(text)
    if markers:
        head = text[: len(text) - len(text.lstrip("-–—*• "))]
        text = text[len(head) :]
        note(EntryKind.ARTEFACT, head.strip(), f"{markers} list markers without their items")
    segments = _INLINE_HEADING.split(text)
    texts: list[str] = []
    if markers:
        items = sentences(segments[0])
        texts.extend(f"• {sentence}" for sentence in items)
        note(
            EntryKind.REPAIR,
            segments[0][:80],
            f"list run together: {len(items)} items cut at sentence ends",
        )
    else:
        texts.append(segments[0])
    for segment in segments[1:]:
        heading, body = split_run_in_heading(segment)
        texts.extend(t for t in (heading, body) if t)
        note(EntryKind.REPAIR, heading, "heading run into the text: cut out")
    return [SourceLine(line.number, t.strip(), line.page) for t in texts if t.strip()], notes


def sentences(text: str) -> list[str]:
    """Cut at sentence ends, not after common abbreviations ("Ms. Warda") or initials."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        word_start = text.rfind(" ", start, m.start()) + 1
        word = text[word_start : m.start()].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def split_run_in_heading(segment: str) -> tuple[str, str]:
    """``("Item V. After violence breaks out", "This session considered ...")``.

    The heading is taken to end where a lower-case word is followed by a capitalised one that
    starts a sentence ("... and security This session considered"); failing that, at the first
    sentence end within 25 words.
    """
    words = segment.split(" ")
    for i in range(3, min(len(words) - 1, 40)):
        before, word, after = words[i - 1], words[i], words[i + 1]
        if (
            before.isalpha()
            and before.islower()
            and word[:1].isupper()
            and word[1:].islower()
            and after[:1].islower()
        ):
            return " ".join(words[:i]), " ".join(words[i:])
    first = sentences(" ".join(words[:25]))
    if len(first) > 1:
        return first[0], segment[len(first[0]) :].strip()
    return segment, ""
