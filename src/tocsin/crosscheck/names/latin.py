"""Latin-script names to comparable tokens: case, diacritics, separators and Arabic particles.

Particles follow one convention so that every rendering of a name gives the same tokens:
- articles (al, el, ul, the sun-letter forms ar/as/ash/at/ad/az/an...) are dropped;
- bin/ibn/ben/bint/bent ("son/daughter of") are dropped: the father's name that follows stays;
- abu/abou/abo/bu is joined to the next name ("abu bakr" -> "abubakr");
- abd/abdel/abdul/abdal is joined to the next name without its article
  ("Abd al-Rahman", "Abdel Rahman", "Abdurrahman" -> "abdrahman");
- "ad-Din", "Eddine", "-uddin" become the token "din".
"""

# Letters of other scripts are the subject here, not look-alike typos.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Letters that NFKD does not take apart, and scholarly signs for Arabic sounds.
_SPECIAL = str.maketrans({
    "ş": "sh", "Ş": "sh", "š": "sh", "Š": "sh", "ç": "c", "Ç": "c", "č": "ch", "Č": "ch",
    "ž": "zh", "Ž": "zh", "ḫ": "kh", "ẖ": "kh", "ḵ": "kh", "ṯ": "th", "ḏ": "dh", "ġ": "gh",
    "ğ": "gh", "ı": "i", "İ": "i", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
    "ł": "l", "Ł": "l", "ə": "e", "Ə": "e", "æ": "ae", "œ": "oe", "þ": "th", "ð": "dh",
    "ʿ": "", "ʾ": "", "ʻ": "", "ʼ": "", "'": "", "`": "", "´": "", "’": "", "‘": "",
    "ʹ": "", "′": "",
})
_NON_LETTER = re.compile(r"[^a-z]+")
_ARTICLES = frozenset({"al", "el", "ul", "il", "l"})
_SUN_ARTICLES = re.compile(r"^[aeiu](t|th|d|dh|r|z|s|sh|n|l)$")
_SON_OF = frozenset({"bin", "ibn", "ben", "bint", "bent", "binti", "bn", "b"})
_FATHER_OF = frozenset({"abu", "abou", "abo", "bu", "bou", "aboo", "ab"})
_SERVANT_OF = frozenset({"abd", "abdel", "abdul", "abdal", "abdol", "abdil", "abdu", "abdoul"})
_GLUED_ABD = re.compile(r"^abd(?:[aeiou]l|[aeiou](?=(?:sh|th|dh|[tdrzsnl])))?(?=[a-z]{3})")
_GLUED_ABU = re.compile(r"^ab(?:ou|u|o)(?=[bcdfghjklmnpqrstvwxz][a-z]{2})")
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[bcdfghjklmnpqrstvwxz][a-z]{3})")
_GLUED_BEN = re.compile(r"^(?:ben|bin|ibn)(?=[a-z]{3})")
_GOD = frozenset({"allah", "ullah", "alla", "ulla", "illah"})
_DIN = re.compile(r"^([a-z]{3,}?)(?:[aeiu]|[aeiu]d)d{1,2}in+e?$")
_DIN_ALONE = re.compile(r"^[aeiu]?d{1,2}in+e?$")
_DOUBLED_START = re.compile(r"^(sh|th|dh|[bcdfghjklmnpqrstvwxz])\1")


def _ascii(text: str) -> str:
    text = text.translate(_SPECIAL)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not text.isascii():
        text = anyascii(text).translate(_SPECIAL)
    return text.casefold()


def _strip_article(word: str) -> str:
    glued = _GLUED_ARTICLE.match(word)
    return word[glued.end():] if glued else word


def _undouble(word: str) -> str:
    """After an assimilated article the first consonant is written twice: "rrahman"."""
    doubled = _DOUBLED_START.match(word)
    return word[len(doubled.group(1)):] if doubled else word


@lru_cache(maxsize=65536)
def _split_word(word: str) -> tuple[str, ...]:
    din = _DIN.match(word)
    if din and not _DIN_ALONE.match(word):
        return (*_split_word(din.group(1)), "din")
    if _DIN_ALONE.match(word):
        return ("din",)
    abd = _GLUED_ABD.match(word)
    if abd and word not in _SERVANT_OF:
        rest = _undouble(word[abd.end():])
        return ("abd", rest)
    ben = _GLUED_BEN.match(word)
    if ben:
        return (word[ben.end():],)  # Maghrebi family names: Benali = Ben Ali
    abu = _GLUED_ABU.match(word)
    if abu and word not in _FATHER_OF:
        return ("abu", word[abu.end():])
    return (word,)


def _is_article(word: str, following: str) -> bool:
    if word in _ARTICLES:
        return True
    sun = _SUN_ARTICLES.match(word)
    return bool(sun and following.startswith(sun.group(1)))


@lru_cache(maxsize=65536)
def normalise_latin(text: str) -> list[str]:
    """Comparable tokens of a Latin-script (or any-script, via romanisation) name."""
    words: list[str] = []
    for raw in _NON_LETTER.split(_ascii(text)):
        if raw:
            words.extend(_split_word(raw))
    tokens: list[str] = []
    pending = ""
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if following and _is_article(word, following):
            continue
        if word in _SON_OF and following and not pending:
            continue
        if following and (word in _SERVANT_OF or word in _FATHER_OF) and not pending:
            pending = "abd" if word in _SERVANT_OF else "abu"
            continue
        if pending:
            name = _strip_article(word)
            if pending == "abd":
                name = _undouble(name)
                # "Allah" is al + lah; "abd allah" and "abdullah" must agree.
                if name in {"allah", "alla"}:
                    name = name[2:]
            tokens.append(pending + name)
            pending = ""
            continue
        if word in _GOD and tokens:
            tokens[-1] += "allah"  # Nasr Allah = Nasrallah = Nasrullah
            continue
        tokens.append(_strip_article(word))
    if pending:
        tokens.append(pending)
    return tokens
