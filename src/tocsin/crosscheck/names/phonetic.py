"""Phonetic keys for Latin tokens of Arabic (and Kurdish, Persian, Syriac) origin.

A key is the consonant skeleton of a token with the consonants that Latin renderings confuse
folded into one class, plus "a" in front when the token starts with a vowel and "a" at the end
when it ends with one (Samir and Samira must differ). Between consonants the vowels are kept
aside as "gaps": renderings disagree on short vowels (Mohamed / Muhammad), so gaps do not enter
the key, but clearly different vowels (Mahmoud / Mohamed, Hassan / Hussein) still count when two
tokens with one key are compared (see ``gap_mismatch``).

Classes: b p | t | d z dh th (Fadel / Fazil / Fadhil; Dhiya / Ziya / Thiya) | j dj zh and g
(Egyptian g: Gamal / Jamal) | k q c ck (Qasim / Kassem), with g as alternative (Gulf g: Gasim) |
x = kh | g = gh | s | c = sh ch sch (French ch: Hicham) with kh as alternative (German ch) |
f ph | w v | h l m n r y. Alternatives: th as s or t (Osman, Haditi), c as s or sh (Faycal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

_DIGRAPHS = re.compile(r"dsch|tsch|sch|tch|dzh|dj|zh|kh|gh|sh|ch|th|dh|ph|ck")
_DIGRAPH_SYMBOL = {
    "dsch": "J", "tsch": "C", "sch": "C", "tch": "C", "dzh": "J", "dj": "J", "zh": "J",
    "kh": "X", "gh": "G", "sh": "S", "ch": "C", "th": "D", "dh": "D", "ph": "F", "ck": "K",
}
# One or more key symbols per letter; the first is the key, the others give alternative keys.
_SYMBOLS: dict[str, tuple[str, ...]] = {
    "b": ("b",), "p": ("b",), "t": ("t",), "d": ("d",), "z": ("d",), "D": ("d", "s", "t"),
    "j": ("j",), "J": ("j",), "g": ("j", "k", "g"), "k": ("k",), "q": ("k",),
    "c": ("k", "s", "c"),
    "K": ("k",), "x": ("x",), "X": ("x",), "G": ("g",), "s": ("s",), "S": ("c",),
    "C": ("c", "x"), "f": ("f",), "F": ("f",), "v": ("w",), "w": ("w",), "h": ("h",),
    "l": ("l",), "m": ("m",), "n": ("n",), "r": ("r",), "y": ("y",),
}
_VOWELS = frozenset("aeiou")
_SEMIVOWELS = frozenset("ywv")
_MAX_ALTERNATIVES = 16

OPEN, FRONT, BACK = "A", "I", "U"  # the qualities a, i, u
_SINGLE_QUALITY = {
    "a": frozenset({OPEN}), "e": frozenset({OPEN, FRONT, BACK}), "i": frozenset({FRONT}),
    "o": frozenset({BACK}), "u": frozenset({BACK}), "y": frozenset({FRONT}),
    "w": frozenset({BACK}), "v": frozenset({BACK}),
}
_CLUSTER_QUALITY = {"e": FRONT, "i": FRONT, "y": FRONT, "o": BACK, "u": BACK, "w": BACK, "v": BACK}
# Written long vowels and diphthongs: Arabic script would have a letter for them.
_LONG = frozenset({"ee", "ei", "ey", "ai", "ay", "ie", "ii", "oo", "uu", "iy", "ea", "aw"})


@dataclass(frozen=True, slots=True)
class Shape:
    """Key, alternative keys and vowel gaps of one token (gaps[0] before the first consonant)."""

    key: str
    keys: frozenset[str]
    gaps: tuple[str, ...]


def _letters(token: str) -> str:
    word = _DIGRAPHS.sub(lambda m: _DIGRAPH_SYMBOL[m.group()], token)
    if word.startswith("ou") and len(word) > 2 and word[2] in "aeiy":
        word = "w" + word[2:]  # French "Ouassim", "Oualid"
    n = len(word)
    # French silent final e: Amine, Yassine, Abderrahmane (Kurdish Kawe, Hame keep theirs).
    if n > 3 and word.endswith("ne") and word[-3] in _VOWELS:
        word = word[:-1]
    elif n > 2 and word[-1] == "h" and word[-2] in _VOWELS:
        word = word[:-1]  # final -ah / -eh is a vowel (ta marbuta), Abdallah = Abdulla
    return word


@lru_cache(maxsize=131072)
def token_shape(token: str) -> Shape:
    """The phonetic shape of a normalised (lower-case ASCII) token."""
    word = _letters(token)
    options: list[tuple[str, ...]] = []
    gaps: list[str] = []
    gap = ""
    for i, char in enumerate(word):
        if char in _VOWELS or (char in _SEMIVOWELS and i > 0):
            gap += char
            continue
        symbols = _SYMBOLS.get(char)
        if symbols is None:
            continue
        if options and options[-1][0] == symbols[0] and not gap:
            continue  # a doubled consonant
        gaps.append(gap)
        gap = ""
        options.append(symbols)
    gaps.append(gap)
    head = "a" if gaps[0] else ""
    tail = "a" if gaps[-1] and options else ""
    key = head + "".join(o[0] for o in options) + tail
    keys = {key}
    if any(len(o) > 1 for o in options):
        for combo in product(*options):
            keys.add(head + "".join(combo) + tail)
            if len(keys) >= _MAX_ALTERNATIVES:
                break
    return Shape(key, frozenset(keys), tuple(gaps))


def name_key(token: str) -> str:
    """The phonetic key of a normalised Latin token: "mohamed", "muhammad", "mhmd" -> "mhmd"."""
    return token_shape(token).key


def _quality(gap: str) -> frozenset[str]:
    if len(gap) == 1:
        return _SINGLE_QUALITY.get(gap, frozenset())
    marked = {_CLUSTER_QUALITY[c] for c in gap if c in _CLUSTER_QUALITY}
    return frozenset(marked) if marked else frozenset({OPEN})


def _gap_cost(a: str, b: str, a_unknown: bool, b_unknown: bool) -> float:
    """0 for compatible vowels, 1 for clearly different ones, 0.5 in between.

    ``*_unknown`` marks tokens read from unvocalised Arabic script, where an empty gap means an
    unwritten short vowel rather than no vowel.
    """
    if (a_unknown and not a) or (b_unknown and not b):
        other = b if (a_unknown and not a) else a
        return 0.5 if other in _LONG else 0.0
    if not a or not b:
        if a == b:
            return 0.0
        # A dropped short vowel (Fatma, Slimane, Abdelkrim) is a habit, a dropped long one is not.
        return 0.5 if len(a or b) == 1 else 1.0
    return 0.0 if _quality(a) & _quality(b) else 1.0


def gap_mismatch(a: Shape, b: Shape, a_unknown: bool = False, b_unknown: bool = False) -> float:
    """Sum of vowel disagreements between two shapes with one key (inf when keys differ)."""
    if len(a.gaps) != len(b.gaps):
        return float("inf")
    first_a, first_b = a.gaps[0], b.gaps[0]
    # Unvocalised script does not say which vowel an initial alef or ayn carries (Usama, Omar).
    if a_unknown and len(first_a) == 1:
        first_a = ""
    if b_unknown and len(first_b) == 1:
        first_b = ""
    if bool(first_a) != bool(first_b) and not (a_unknown or b_unknown):
        first = 0.5  # a dropped initial vowel: Brahim, Driss
    else:
        first = _gap_cost(first_a, first_b, a_unknown, b_unknown)
    # The vowel before the last consonant carries the pattern (Hamid / Hamad, Samir / Samar);
    # earlier vowels of long names vary between renderings (Jubouri / Jaburi).
    inner = len(a.gaps) - 2
    total = first
    for index in range(1, len(a.gaps)):
        cost = _gap_cost(a.gaps[index], b.gaps[index], a_unknown, b_unknown)
        total += cost if index >= inner else cost / 2
    return total
