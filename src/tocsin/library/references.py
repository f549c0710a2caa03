"""Stable references to a document's paragraphs: ``document/part/section/item``.

A part is referred to as ``document/part`` and a section as ``document/part/section``.

Each segment is built from what the document prints, not from where a paragraph happens to
fall, so a corrected edition of a document (a typo fixed, a paragraph reworded) gives the same
references to the same paragraphs:

- document: the slug of the file name ("paris-action-plan-2015"), or one given at import;
- part and section: their printed number, lower case, without the keyword or decoration
  ("PART 1:" -> ``1``, "Action 1.1" -> ``1.1``, "(a)" -> ``a``, "Item V." -> ``v``); an annex is
  ``annex-1`` and a part numbered inside it ``annex-1-1``; a heading printed without a number
  is its slug ("INTRODUCTION" -> ``introduction``); a level the document does not print is ``-``;
- item: a numbered paragraph is its number (``12``, ``1.2.3``); a lettered or roman
  sub-paragraph hangs under it (``12.a``, ``12.a.iii``); what is not numbered is counted within
  its section: bullets ``b1``, ``b2``..., table rows ``r1``..., unnumbered paragraphs ``p1``...
  (bullets under a numbered paragraph that introduces them: ``12.b1``).

Numbers the document left out but its neighbours imply (11 between 10 and 12) are used as if
printed. Unnumbered items keep their reference as long as no item of the same kind is added or
removed before them in the same section; that is the price of not printing a number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NO_KEY = "-"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_words: int = 6) -> str:
    """Lower-case ASCII words joined by hyphens; ``-`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub(" ", ascii_text.lower()).split()
    return "-".join(words[:max_words]) or NO_KEY


def document_slug(source_name: str) -> str:
    """The document segment from a file name: its stem, slugified, without a length cap."""
    name = source_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return slugify(stem, max_words=40)


def clean_key(value: str) -> str:
    """A segment from a printed number: lower case, no slash, no space."""
    key = re.sub(r"[\s/]+", "-", value.strip().lower()).strip("-")
    return key or NO_KEY


@dataclass(frozen=True)
class Reference:
    """``doc`` (a document), ``doc/part``, ``doc/part/section`` or ``doc/part/section/item``."""

    document: str
    part: str | None = None
    section: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        segments = [self.document, self.part, self.section, self.item]
        return "/".join(s for s in segments if s is not None)

    @classmethod
    def parse(cls, text: str) -> Reference:
        """Read a reference; raises ValueError on anything else."""
        segments = text.strip().split("/")
        if len(segments) > 4 or not all(segments):
            raise ValueError(f"not a reference (document/part/section/item): {text!r}")
        padded: list[str | None] = [*segments, None, None, None]
        return cls(segments[0], padded[1], padded[2], padded[3])


def reference(document: str, *keys: str) -> str:
    return "/".join((document, *keys))
