"""Arabic-script (Arabic, Persian, Kurdish Sorani) and Syriac names to a plain Latin rendering.

The rendering is consonant-faithful: every consonant letter gives its usual Latin consonant, long
vowel letters and harakat give vowels, unwritten short vowels stay unwritten. The phonetic layer
(phonetic.py) treats the missing vowels of such tokens as unknown rather than absent.
"""

# Letters of other scripts are the subject here, not look-alike typos.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ک": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ھ": "h", "ہ": "h", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v",
    "ڕ": "r", "ڵ": "l", "ڨ": "g",
}
_VOWEL_LETTERS = {"ا": "a", "آ": "a", "ٱ": "a", "ى": "a", "ە": "e", "ۆ": "o", "ێ": "e", "ۇ": "u"}
_YEH = frozenset("يیېۍ")
_WAW = frozenset("وۋ")
# A set, not a string: "" (the end of the word) is in every string.
_BEFORE_LONG_A = frozenset("اىة")
_HARAKAT = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u0670": "a"}
_SILENT = frozenset("\u064b\u064c\u064d\u0652\u0653\u0654\u0655\u0640\u0656\u0657\u065f")
_SHADDA = "\u0651"
_SUKUN = "\u0652"
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+")
# A single Latin consonant followed by "h" would read as a digraph (s+h -> "sh"); an "e" keeps
# them apart and counts as an unknown short vowel downstream.
_DIGRAPH_RISK = frozenset("sktdzcgp")
_GOD = frozenset({"الله", "اللہ", "لله"})
_ARTICLE_WORDS = {"ابو": "abu", "أبو": "abu", "ابن": "bin", "بن": "bin", "إبن": "bin",
                  "بنت": "bint", "آل": "al", "ال": "al"}


def _is_vowelish(char: str) -> bool:
    return char in _VOWEL_LETTERS or char in _YEH or char in _WAW or char in "اأإآة"


def _word(word: str) -> str:
    out: list[str] = []
    last_consonant = ""
    last_at = -1
    n = len(word)
    for i, char in enumerate(word):
        nxt = word[i + 1] if i + 1 < n else ""
        start = not out
        if char in _SILENT:
            continue
        if char in _HARAKAT:
            out.append(_HARAKAT[char])
            continue
        if char == _SHADDA:
            # NFKC puts shadda after the haraka, so the double goes right after the consonant.
            if last_consonant:
                out.insert(last_at + 1, last_consonant)
            continue
        piece: str
        if char in _CONSONANTS:
            piece = _CONSONANTS[char]
            if char in "هھ" and i == n - 1 and out and out[-1][-1:] not in "aeiou":
                piece = "ah"  # Kurdish and colloquial final -a: حمه Hama
            if (char == "ح" and i == n - 1 and out and out[-1][-1:] not in "aeiou"
                    and word[i - 1] != _SUKUN):
                # A name does not end in two consonants: صالح is Salih/Saleh, so an unwritten
                # short vowel stands before the final ḥ. Latin keys read "-eh"/"-ih" as a final
                # vowel (Fatimah = Fatima), so without it صالح would never meet Saleh.
                out.append("e")
            elif piece == "h" and out and len(out[-1]) == 1 and out[-1] in _DIGRAPH_RISK:
                out.append("e")
            if piece == "j" and out and out[-1] == "d":
                out.append("e")
            last_consonant = piece
            last_at = len(out)
            out.append(piece)
            continue
        last_consonant = ""
        if char in "أإ":
            piece = "i" if char == "إ" else "a"
        elif char == "ؤ":
            piece = "u"
        elif char == "ئ":
            # Sorani writes every word-initial vowel on a ئ seat; the vowel letter follows.
            piece = "" if start and _is_vowelish(nxt) else "i"
        elif char == "ء":
            piece = "'"
        elif char == "ع":
            piece = "a" if start else "'"
            if start and (nxt in _HARAKAT or nxt in "اەێۆ"):
                piece = ""
        elif char == "ة":
            piece = "a" if i == n - 1 else "t"
        elif char in _WAW:
            consonantal = start or (out and out[-1] in "aeiou") or nxt in _BEFORE_LONG_A or (
                nxt in _HARAKAT and nxt != "\u064f")
            piece = "w" if consonantal else "u"
        elif char in _YEH:
            consonantal = start or (out and out[-1] in "aeo") or nxt in _BEFORE_LONG_A or (
                nxt in _HARAKAT and nxt != "\u0650")
            piece = "y" if consonantal and i != n - 1 else "i"
        elif char in _VOWEL_LETTERS:
            piece = "a" if char == "ە" and i == n - 1 else _VOWEL_LETTERS[char]
            if start and char == "ا" and nxt in _HARAKAT:
                piece = ""
        else:
            piece = ""
        out.append(piece)
    return "".join(out)


@lru_cache(maxsize=65536)
def _arabic_word(word: str) -> str:
    if word in _GOD:
        return "allah"
    if word in _ARTICLE_WORDS:
        return _ARTICLE_WORDS[word]
    if word.startswith("عبد") and word[3:] in _GOD:
        return "abd allah"
    if word.startswith("عبدال") and len(word) > 5:
        return "abd " + _arabic_word(word[3:])
    if word.startswith("ال") and len(word) > 3:
        return "al-" + _word(word[2:])
    return _word(word)


def transliterate_arabic(text: str) -> str:
    """Arabic-script letters in ``text`` to lower-case Latin; other characters are kept."""
    text = unicodedata.normalize("NFKC", text).replace("\u0640", "")
    return _ARABIC_WORD.sub(lambda m: _arabic_word(m.group()), text)


_SYRIAC = {
    "ܐ": "a", "ܒ": "b", "ܓ": "g", "ܔ": "j", "ܕ": "d", "ܖ": "r", "ܗ": "h", "ܘ": "w", "ܙ": "z",
    "ܚ": "h", "ܛ": "t", "ܜ": "t", "ܝ": "y", "ܞ": "y", "ܟ": "k", "ܠ": "l", "ܡ": "m", "ܢ": "n",
    "ܣ": "s", "ܤ": "s", "ܥ": "'", "ܦ": "p", "ܧ": "p", "ܨ": "s", "ܩ": "q", "ܪ": "r",
    "ܫ": "sh", "ܬ": "t", "\u0730": "a", "\u0731": "a", "\u0732": "a", "\u0733": "a",
    "\u0734": "a", "\u0735": "a", "\u0736": "e", "\u0737": "e", "\u0738": "e", "\u0739": "e",
    "\u073a": "i", "\u073b": "i", "\u073c": "i", "\u073d": "u", "\u073e": "u",
}
_SYRIAC_WORD = re.compile(r"[\u0700-\u074f]+")


def _syriac_word(word: str) -> str:
    out: list[str] = []
    for i, char in enumerate(word):
        piece = _SYRIAC.get(char, "")
        # Waw and yudh between consonants are the vowels u/o and i/e.
        if char == "ܘ" and i > 0:
            piece = "u" if out and out[-1] not in "aeiou" else "w"
        elif char == "ܝ" and i > 0:
            piece = "i" if out and out[-1] not in "aeiou" else "y"
        elif char == "ܥ" and i == 0:
            piece = "a"
        if piece == "h" and out and out[-1] in _DIGRAPH_RISK:
            out.append("e")
        out.append(piece)
    return "".join(out)


def transliterate_syriac(text: str) -> str:
    """Basic Syriac letters (and the common vowel points) to lower-case Latin."""
    return _SYRIAC_WORD.sub(lambda m: _syriac_word(m.group()), text)
