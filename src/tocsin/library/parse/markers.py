"""The numbering and heading styles that action plans use, defined once.

Every line of a document is first read for a *marker*: what it is numbered with, as printed
("12.", "(a)", "•", "PART 1:", "Action 1.1"). Whether a numbered line is a heading or a paragraph
is decided later from its text (``heading_like``) and its place in the numbering sequence.
"""

# ruff: noqa: RUF001 - dashes, bullets and curly quotes are what documents number with

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Style(StrEnum):
    KEYWORD = "keyword"  # "PART 1:", "Action 1.1", "Annex 1", "Item V."
    NUMBER = "number"  # "12." (a paragraph, or with capitals a heading: "1. ACTIONS")
    NUMBER_PAREN = "number-paren"  # "1)" or "(1)"
    DOTTED = "dotted"  # "1.1", "1.1.", "2.3.4"
    BARE = "bare"  # "1 To spare..." (weak: trusted only when it continues the sequence)
    DASH_NUMBER = "dash-number"  # "- 3 To ensure..." (weak, as above)
    LETTER = "letter"  # "(a)", "a)", "a."
    ROMAN = "roman"  # "(iii)", "iii)", "iii."
    UPPER_LETTER = "upper-letter"  # "A." (a heading when its text reads as one)
    UPPER_ROMAN = "upper-roman"  # "II."
    BULLET = "bullet"  # "•", "-", "*", "▪"...
    PAGE_NUMBER = "page-number"  # "7.", "- 14 -", "Page 3 of 9": a page footer left in the text


# Keywords that open a division, and the depth they usually sit at (0 = annex, outside the body;
# 1 = part; 3 = section). Keywords of depth 3 make a heading only when their text reads as one;
# otherwise the line is a numbered paragraph labelled with the keyword ("Commitment 4 To ...").
KEYWORD_DEPTH: dict[str, int] = {
    "annex": 0,
    "appendix": 0,
    "part": 1,
    "chapter": 1,
    "section": 3,
    "action": 3,
    "item": 3,
    "article": 3,
    "pillar": 3,
    "objective": 3,
    "commitment": 3,
    "recommendation": 3,
}

# Depth of each heading style when its text reads as a heading; see outline.py for how depths
# become parts and sections. Unnumbered capitals ("INTRODUCTION") sit with "1. ACTIONS".
HEADING_DEPTH: dict[Style, int] = {
    Style.NUMBER: 2,
    Style.UPPER_ROMAN: 2,
    Style.DOTTED: 3,
    Style.UPPER_LETTER: 3,
    Style.NUMBER_PAREN: 4,
    Style.LETTER: 4,
    Style.ROMAN: 4,
}
CAPITALS_DEPTH = 2
SUBHEADING_DEPTH = 5

_NUMERAL = r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}|[A-Z])"
_KEYWORD = re.compile(
    rf"(?i:(?P<kw>{'|'.join(KEYWORD_DEPTH)}))\s+(?P<num>{_NUMERAL})(?=$|[\s.:)\-–—])"
    r"[.:)]?\s*(?:[-–—:.]\s*)?(?P<rest>.*)$"
)
_PAGE = re.compile(
    r"(?i:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?\.?|(?i:page\s+)?\d{1,4}\s*(?i:of|/)\s*\d{1,4}"
)
_DOTTED = re.compile(r"(?P<num>\d{1,3}(?:\.\d{1,3})+)\.?\s+(?P<rest>\S.*)$")
_NUMBER = re.compile(r"(?P<num>\d{1,4})(?P<p>[.)])(?:\s+(?P<rest>.*))?$")
_NUMBER_IN_PARENS = re.compile(r"\((?P<num>\d{1,4})\)\s+(?P<rest>\S.*)$")
_DASH_NUMBER = re.compile(r"[-–—]\s*(?P<num>\d{1,3})\s+(?P<rest>\S.*)$")
_BARE = re.compile(r"(?P<num>\d{1,3})\s+(?P<rest>[A-Z“\"‘'(].*)$")
_LETTER = re.compile(
    r"(?:\((?P<a>[a-z]{1,2}|[ivxl]{1,6})\)|(?P<b>[a-z]|[ivxl]{1,6})\)|(?P<c>[a-z]|[ivxl]{1,6})\.)"
    r"\s+(?P<rest>\S.*)$"
)
_UPPER = re.compile(r"(?P<num>[IVXLC]{1,7}|[A-Z])[.)]\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"(?:(?P<u>[•·▪◦●○■□➢►✓])\s*|(?P<a>[-–—*])\s+)(?P<rest>\S.*)$")
_EMPTY_BULLETS = re.compile(r"(?:[-–—*•]\s+){2,}")
_ROMAN = re.compile(r"[ivxlc]+")


@dataclass(frozen=True)
class Marker:
    style: Style
    label: str  # the marker as printed, tidied: "12", "(a)", "•", "PART 1", "Action 1.1"
    value: str  # the number alone, lower case: "12", "a", "iii", "1.1", "v"; "" for bullets
    rest: str  # the text after the marker
    keyword: str = ""  # lower case: "part", "annex"...; "" when none

    @property
    def number(self) -> int | None:
        """The value as an integer when it is one (the paragraph sequence uses it)."""
        return int(self.value) if self.value.isdigit() else None


def read_marker(text: str) -> Marker | None:
    """The marker a line starts with, or None for plain text."""
    if _PAGE.fullmatch(text):
        return Marker(Style.PAGE_NUMBER, text, "", "")
    if m := _KEYWORD.match(text):
        kw, num, rest = m["kw"], m["num"], m["rest"].strip()
        if not rest[:1].islower():  # "Part of the..." / "Item 4 of the agenda" are sentences
            return Marker(Style.KEYWORD, f"{kw} {num}", num.lower(), rest, kw.lower())
    if m := _DOTTED.match(text):
        if starts_lower(m["rest"]):  # "2.5 million people..." is a sentence, not "2.5"
            return None
        return Marker(Style.DOTTED, m["num"], m["num"], m["rest"])
    if m := _NUMBER.match(text):
        style = Style.NUMBER if m["p"] == "." else Style.NUMBER_PAREN
        label = m["num"] if m["p"] == "." else f"{m['num']})"
        return Marker(style, label, str(int(m["num"])), (m["rest"] or "").strip())
    if m := _NUMBER_IN_PARENS.match(text):
        return Marker(Style.NUMBER_PAREN, f"({m['num']})", str(int(m["num"])), m["rest"])
    if m := _DASH_NUMBER.match(text):
        return Marker(Style.DASH_NUMBER, m["num"], str(int(m["num"])), m["rest"])
    if m := _BARE.match(text):
        return Marker(Style.BARE, m["num"], str(int(m["num"])), m["rest"])
    if m := _LETTER.match(text):
        value = m["a"] or m["b"] or m["c"]
        label = f"({value})" if m["a"] else f"{value})" if m["b"] else f"{value}."
        style = Style.ROMAN if len(value) > 1 and _ROMAN.fullmatch(value) else Style.LETTER
        return Marker(style, label, value, m["rest"])
    if m := _UPPER.match(text):
        num = m["num"]
        style = Style.UPPER_ROMAN if len(num) > 1 or num in "IVX" else Style.UPPER_LETTER
        return Marker(style, num, num.lower(), m["rest"])
    if m := _BULLET.match(text):
        return Marker(Style.BULLET, m["u"] or m["a"], "", m["rest"])
    return None


def empty_bullet_run(text: str) -> int:
    """How many list markers open ``text`` with no words between them ("- - - - The...").

    Scraped pages sometimes keep a list's markers and lose the line breaks between its items.
    """
    m = _EMPTY_BULLETS.match(text)
    return len(m.group().split()) if m else 0


_CLOSERS = "”\"’')]»* "
TERMINAL = ".;:!?"


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends a sentence or a clause (., ;, :, ! or ?), quotes aside."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINAL


def starts_lower(text: str) -> bool:
    return text[:1].islower()


def is_capitals(text: str) -> bool:
    """Mostly capital letters: "PART 2: FIGHTING IMPUNITY", "INTRODUCTION"."""
    letters = [c for c in text[:400] if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def heading_like(text: str, max_words: int = 20, colon_words: int = 12) -> bool:
    """Reads as a heading: starts with a capital, is short, and ends without a full stop.

    A short line ending in a colon ("For prevention:") is a heading too; a longer one is a
    sentence that introduces a list, and stays text.
    """
    text = text.strip()
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "“\"‘'("):
        return False
    words = len(text[:2000].split())
    if text.rstrip(_CLOSERS).endswith(":"):
        return words <= min(max_words, colon_words)
    return not ends_sentence(text) and not text.endswith(",") and words <= max_words


_SEPARATOR = re.compile(
    r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?|:?-{3,}:?(?:\s*\|\s*:?-{3,}:?)+"
)


def is_table_separator(text: str) -> bool:
    """The rule under a table's header: ``---|``, ``|---|---|``."""
    return bool(_SEPARATOR.fullmatch(text))


def is_table_row(text: str) -> bool:
    """A row of a table kept as text with bars between its cells: ``cell | cell |``."""
    return "|" in text and (text.endswith("|") or text.startswith("|") or " | " in text)


def table_cells(text: str) -> list[str]:
    cells = [cell.strip() for cell in text.split("|")]
    if cells and not cells[0] and text.lstrip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells
