"""Personal names across Arabic, Syriac and Latin scripts: transliteration, keys, comparison."""

from tocsin.crosscheck.names.arabic import transliterate_arabic, transliterate_syriac
from tocsin.crosscheck.names.compare import (
    MatchKind,
    NameScore,
    TokenMatch,
    best_alias_score,
    compare_names,
)
from tocsin.crosscheck.names.evaluate import choose_threshold, evaluate
from tocsin.crosscheck.names.latin import normalise_latin
from tocsin.crosscheck.names.phonetic import name_key
from tocsin.crosscheck.names.prepared import NameForm, PreparedName, Script, prepare

__all__ = [
    "MatchKind", "NameForm", "NameScore", "PreparedName", "Script", "TokenMatch",
    "best_alias_score", "choose_threshold", "compare_names", "evaluate", "name_key",
    "normalise_latin", "prepare", "transliterate_arabic", "transliterate_syriac",
]
