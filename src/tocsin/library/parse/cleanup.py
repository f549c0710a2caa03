"""Artefacts of copying a document out of a PDF or a web page, recognised by their shape."""

from __future__ import annotations

import re

# Footnote calls that lost their superscript: "identity.3 |", "Institutions,5 or", "crimes12 and".
# Only one to three digits glued to two lower-case letters ("crimes12"), or to the punctuation
# right after a word ("ICJ.33"), so "G20", "resolution 1325" and "8th" are left alone.
_FOOTNOTE_AFTER_PUNCT = re.compile(r"(?<=[A-Za-z][.,;:])(\d{1,3})(?=\s|$)")
_FOOTNOTE_AFTER_WORD = re.compile(r"(?<=[a-z]{2})(\d{1,3})(?=[\s,.;:]|$)")

# Words of a web page's furniture rather than of the document: links to download, navigation.
_BOILERPLATE = [
    re.compile(r"\bclick here\b", re.IGNORECASE),
    re.compile(r"\bread (?:the )?(?:full|more|whole)\b.*\bhere\b", re.IGNORECASE),
    re.compile(r"\((?:PDF|DOCX?|XLSX?|ZIP|RTF)\b[^)]{0,30}\d+(?:[.,]\d+)?\s*[KMG]B\)", re.I),
    re.compile(r"^(?:back to top|skip to (?:main )?content|share this|print this page)\b", re.I),
]
BOILERPLATE_MAX = 160  # a long paragraph that mentions a download is the document speaking

_TRAILING_PAGE = re.compile(r"(?<=[A-Za-z,;])\s+(\d{1,3})$")
_WORDLESS = re.compile(r"[\W_]+")


def strip_footnotes(text: str) -> tuple[str, tuple[str, ...]]:
    """The text without glued footnote calls, and the calls taken out, in order."""
    found: list[tuple[int, str]] = []
    for pattern in (_FOOTNOTE_AFTER_PUNCT, _FOOTNOTE_AFTER_WORD):
        found.extend((m.start(), m.group(1)) for m in pattern.finditer(text))
    if not found:
        return text, ()
    text = _FOOTNOTE_AFTER_WORD.sub("", _FOOTNOTE_AFTER_PUNCT.sub("", text))
    return text, tuple(mark for _, mark in sorted(found))


def is_boilerplate(text: str) -> bool:
    return len(text) <= BOILERPLATE_MAX and any(p.search(text) for p in _BOILERPLATE)


def is_wordless(text: str) -> bool:
    """Only punctuation or symbols: rules, ornaments, stray bars."""
    return bool(_WORDLESS.fullmatch(text))


def split_trailing_page_number(text: str) -> tuple[str, str | None]:
    """``("... where they", "14")`` for a page number left at the end of run-together text."""
    m = _TRAILING_PAGE.search(text)
    if m is None:
        return text, None
    return text[: m.start()], m.group(1)
