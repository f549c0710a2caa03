"""What metadata extraction works on (a ``Sample``) and what it gathers (``Findings``).

Shared by the format readers in ``image_metadata`` and ``container_metadata``; the public
entry points are in ``file_metadata``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

TEXT_LIMIT = 200
NOTE_LIMIT = 20  # a hostile file can be made of nothing but faults
# Bidirectional embeddings, overrides and isolates: they can make a name display as
# something else in the UI, so they go with the control characters.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs"})  # controls, and lone surrogates (not UTF-8)


class MetadataKind(StrEnum):
    """Kinds of identifying metadata a file can carry; the UI warns about each before sharing."""

    EXIF = "exif"
    GPS = "gps"
    XMP = "xmp"
    IPTC = "iptc"
    ICC = "icc"  # colour profile: may name the device or its owner
    TEXT = "text"  # free text: JPEG comments, PNG text chunks
    PDF_INFO = "pdf_info"
    MP4_LOCATION = "mp4_location"


@dataclass(frozen=True)
class Sample:
    """The first and last bytes of a file read once, and its size.

    ``head`` is the file's first bytes, ``tail`` its last bytes, starting at ``tail_offset``;
    for a small file both are the whole file.
    """

    head: bytes
    tail: bytes
    tail_offset: int
    size: int

    def at(self, offset: int, length: int) -> bytes | None:
        """``length`` bytes at ``offset``, or None when the sample does not hold them all."""
        if offset < 0 or length < 0 or offset + length > self.size:
            return None
        if offset + length <= len(self.head):
            return self.head[offset : offset + length]
        start = offset - self.tail_offset
        if start >= 0:
            found = self.tail[start : start + length]
            if len(found) == length:
                return found
        return None


def clean_text(value: object) -> str | None:
    """Text fit to show and store: no control characters, spaces collapsed, at most
    TEXT_LIMIT characters; None when nothing is left or the value is not text."""
    if isinstance(value, bytes):
        value = value[: TEXT_LIMIT * 4].decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    kept = (
        " " if unicodedata.category(ch) in _DROPPED_CATEGORIES or ch in _BIDI_CONTROLS else ch
        for ch in value[: TEXT_LIMIT * 4]
    )
    text = " ".join("".join(kept).split())[:TEXT_LIMIT].strip()
    return text or None


def finite(value: object) -> float | None:
    """A float that JSON can carry (no NaN or infinity), from anything float() accepts."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


@dataclass
class Findings:
    """What the readers found so far; partial results survive a reader that fails."""

    values: dict[str, Any] = field(default_factory=dict)
    kinds: set[MetadataKind] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # blocks read once only, such as "exif"

    def text(self, key: str, value: object, into: dict[str, Any] | None = None) -> None:
        """Set ``key`` to the cleaned text, unless none is left (or it is already set)."""
        target = self.values if into is None else into
        cleaned = clean_text(value)
        if cleaned is not None and key not in target:
            target[key] = cleaned

    def note(self, message: str) -> None:
        cleaned = clean_text(message)
        if cleaned is not None and cleaned not in self.notes and len(self.notes) < NOTE_LIMIT:
            self.notes.append(cleaned)

    def failed(self, what: str, exc: BaseException) -> None:
        """A reader gave up: say so, never raise (a hostile upload must not stop ingest)."""
        self.note(f"extraction_error: {what}: {type(exc).__name__}: {exc}")

    def result(self) -> dict[str, Any]:
        found = dict(self.values)
        if self.kinds:
            found["metadata_present"] = sorted(kind.value for kind in self.kinds)
        if self.notes:
            found["notes"] = list(self.notes)
        return found
