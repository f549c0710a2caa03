"""A name read once into everything the comparison needs (a million records pass through here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.names.arabic import transliterate_arabic, transliterate_syriac
from tocsin.crosscheck.names.common import COMMON_NAMES, VOCALISED
from tocsin.crosscheck.names.latin import normalise_latin
from tocsin.crosscheck.names.phonetic import Shape, token_shape


class Script(StrEnum):
    LATIN = "latin"
    ARABIC = "arabic"
    SYRIAC = "syriac"
    OTHER = "other"
    MIXED = "mixed"
    NONE = "none"


_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_HARAKAT = re.compile(r"[\u064e-\u0650]")
_SYRIAC = re.compile(r"[\u0700-\u074f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0600-\u074f]")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One comparable token; ``vowels_unknown`` when read from unvocalised Arabic script."""

    text: str
    shape: Shape
    vowels_unknown: bool

    @property
    def key(self) -> str:
        return self.shape.key


@dataclass(frozen=True, slots=True)
class PreparedName:
    original: str
    script: Script
    tokens: tuple[NameToken, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokens)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)

    @property
    def sorted_tokens(self) -> str:
        """Order-free form, e.g. for blocking or a database column."""
        return " ".join(sorted(self.texts))

    @property
    def key_string(self) -> str:
        """Order-free phonetic form: equal for "محمد علي" and "Ali, Mohamed"."""
        return " ".join(sorted(self.keys))

    @property
    def initials(self) -> str:
        return "".join(t.text[0] for t in self.tokens)


# Kept as a name for callers who think of "a form of a name" (an alias, a nom de guerre).
NameForm = PreparedName


def detect_script(text: str) -> Script:
    found = [
        script
        for script, pattern in ((Script.ARABIC, _ARABIC), (Script.SYRIAC, _SYRIAC),
                                (Script.LATIN, _LATIN), (Script.OTHER, _OTHER_LETTER))
        if pattern.search(text)
    ]
    if not found:
        return Script.NONE
    return found[0] if len(found) == 1 else Script.MIXED


@lru_cache(maxsize=131072)
def _token(text: str, vowels_unknown: bool) -> NameToken:
    if vowels_unknown and text in VOCALISED:
        text, vowels_unknown = VOCALISED[text], False
    return NameToken(text, token_shape(text), vowels_unknown)


@lru_cache(maxsize=65536)
def _prepare(name: str) -> PreparedName:
    script = detect_script(name)
    text = name
    unknown = False
    if script in (Script.ARABIC, Script.MIXED) and _ARABIC.search(name):
        unknown = _HARAKAT.search(name) is None
        text = transliterate_arabic(text)
    if script in (Script.SYRIAC, Script.MIXED) and _SYRIAC.search(name):
        unknown = True
        text = transliterate_syriac(text)
    tokens = tuple(_token(t, unknown) for t in normalise_latin(text))
    return PreparedName(name, script, tokens)


def prepare(name: str) -> PreparedName:
    """Tokens, phonetic keys and script of a personal name in any script."""
    if not isinstance(name, str):
        raise ValidationFailed.on("name", f"must be text, not {type(name).__name__}")
    if len(name) > 1000:
        raise ValidationFailed.on("name", "is longer than 1000 characters")
    return _prepare(name)


COMMON_KEYS: frozenset[str] = frozenset(token_shape(n).key for n in COMMON_NAMES)
