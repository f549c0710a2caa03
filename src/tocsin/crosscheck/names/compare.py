"""Score two names (or two sets of aliases) with an explanation of every token's fate.

Tokens are paired by an optimal assignment, so order does not matter (given name first or
family name first). What is left over is judged by context: a token present on one side only
(a grandfather's name that one source omits) costs little; two leftover tokens facing each other
are conflicting names and cost a lot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise, permutations

from rapidfuzz.distance import JaroWinkler, Levenshtein

from tocsin.crosscheck.names.common import CONFUSABLE_NAMES
from tocsin.crosscheck.names.phonetic import gap_mismatch, token_shape
from tocsin.crosscheck.names.prepared import COMMON_KEYS, NameToken, PreparedName


class MatchKind(StrEnum):
    EXACT = "exact"
    KEY = "key"
    FUZZY = "fuzzy"
    INITIAL = "initial"
    MISSING = "missing"
    CONFLICT = "conflict"


MATCHED_AT = 0.7  # a pair of tokens below this is not the same name
GAP_COST = 0.3  # per clearly different vowel between the same consonants (Hamid, Hamad)
MISSING_COST = 0.04
CONFLICT_COST = 0.35
REORDER_COST = 0.3  # father and grandfather swapped; a family name moved to the front is free
SINGLE_TOKEN_CAP = 0.6  # one shared token among several is not enough to call it one person
COMMON_WEIGHT = 0.6
_BRUTE_FORCE_UP_TO = 6
CONFUSABLE: dict[str, tuple[str, ...]] = {}
for _name in CONFUSABLE_NAMES:
    CONFUSABLE[token_shape(_name).key] = (*CONFUSABLE.get(token_shape(_name).key, ()), _name)


@dataclass(frozen=True, slots=True)
class TokenMatch:
    a: str | None
    b: str | None
    kind: MatchKind
    similarity: float


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    matches: tuple[TokenMatch, ...]
    reordered: bool = False

    def explain(self) -> str:
        parts = [f"{m.a or '-'}~{m.b or '-'}:{m.kind.value}:{m.similarity:.2f}"
                 for m in self.matches]
        return f"{self.score:.3f} [" + ", ".join(parts) + ("] reordered" if self.reordered else "]")

    def swapped(self) -> NameScore:
        matches = tuple(TokenMatch(m.b, m.a, m.kind, m.similarity) for m in self.matches)
        return NameScore(self.score, matches, self.reordered)


def _cores(token: NameToken) -> frozenset[str]:
    """Keys without the initial-vowel mark, so that Driss meets Idriss."""
    return frozenset(k[1:] if k.startswith("a") else k for k in token.shape.keys)


def _canonical(token: NameToken) -> str | None:
    """The common name this token renders, when its key is shared by several of them."""
    candidates = CONFUSABLE.get(token.key)
    if not candidates:
        return None
    costs = sorted((gap_mismatch(token.shape, token_shape(c), token.vowels_unknown), c)
                   for c in candidates)
    if costs[0][0] >= 0.5 or (len(costs) > 1 and costs[1][0] - costs[0][0] < 0.5):
        return None
    return costs[0][1]


def _fuzzy(a: str, b: str, a_unknown: bool, b_unknown: bool) -> float:
    # Compounds share their first element; judge them on the name that follows it.
    if a[:3] == b[:3] and a[:3] in ("abd", "abu") and len(a) > 3 and len(b) > 3:
        a, b = a[3:], b[3:]
    keys = Levenshtein.normalized_similarity(token_shape(a).key, token_shape(b).key)
    if a_unknown or b_unknown:
        similarity = keys
    else:
        similarity = (keys + JaroWinkler.normalized_similarity(a, b)) / 2
    return similarity if similarity >= 0.85 else similarity * 0.8


@lru_cache(maxsize=262144)
def token_similarity(a: NameToken, b: NameToken) -> tuple[MatchKind, float]:
    if a.text == b.text:
        return MatchKind.EXACT, 1.0
    if len(a.text) == 1 or len(b.text) == 1:
        if a.text[0] == b.text[0]:
            return MatchKind.INITIAL, 0.75
        return MatchKind.CONFLICT, 0.0
    if _cores(a) & _cores(b):
        known_a, known_b = _canonical(a), _canonical(b)
        if known_a and known_b and known_a != known_b:
            return MatchKind.CONFLICT, 0.5  # two known names: Mohamed and Mahmoud
        cost = gap_mismatch(a.shape, b.shape, a.vowels_unknown, b.vowels_unknown)
        return MatchKind.KEY, max(0.4, 0.97 - GAP_COST * cost)
    if a.key.rstrip("a") == b.key.rstrip("a") and len(a.key) != len(b.key):
        return MatchKind.CONFLICT, 0.5  # Samir and Samira are two people
    return MatchKind.FUZZY, _fuzzy(a.text, b.text, a.vowels_unknown, b.vowels_unknown)


def _assign(matrix: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs (row, column) maximising the total; rows <= columns."""
    rows, cols = len(matrix), len(matrix[0])
    if cols <= _BRUTE_FORCE_UP_TO:
        best = max(permutations(range(cols), rows),
                   key=lambda p: sum(matrix[i][j] for i, j in enumerate(p)))
        return list(enumerate(best))
    cells = sorted(((matrix[i][j], i, j) for i in range(rows) for j in range(cols)), reverse=True)
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in cells:
        if i not in used_rows and j not in used_cols:
            pairs.append((i, j))
            used_rows.add(i)
            used_cols.add(j)
    return sorted(pairs)


def _reordered(columns: list[int]) -> tuple[bool, bool]:
    """(order differs, and not by a mere rotation such as a family name moved to the front)."""
    descents = sum(1 for x, y in pairwise(columns) if y < x)
    if descents == 0:
        return False, False
    rotation = descents == 1 and columns[-1] < columns[0]
    return True, not rotation


def _weight(token: NameToken) -> float:
    return COMMON_WEIGHT if token.key in COMMON_KEYS else 1.0


def _score(a: PreparedName, b: PreparedName) -> NameScore:
    if not a.tokens or not b.tokens:
        return NameScore(0.0, ())
    sims = [[token_similarity(x, y) for y in b.tokens] for x in a.tokens]
    pairs = _assign([[s for _, s in row] for row in sims])
    matches: list[TokenMatch] = []
    matched: list[tuple[int, int]] = []
    left_a = set(range(len(a.tokens)))
    left_b = set(range(len(b.tokens)))
    for i, j in pairs:
        kind, similarity = sims[i][j]
        if similarity >= MATCHED_AT:
            matched.append((i, j))
            left_a.discard(i)
            left_b.discard(j)
            matches.append(TokenMatch(a.tokens[i].text, b.tokens[j].text, kind, similarity))
    conflicts = min(len(left_a), len(left_b))
    missing = abs(len(left_a) - len(left_b))
    for i, j in pairs:
        if i in left_a and j in left_b:
            matches.append(TokenMatch(a.tokens[i].text, b.tokens[j].text, MatchKind.CONFLICT,
                                      sims[i][j][1]))
            left_a.discard(i)
            left_b.discard(j)
    matches += [TokenMatch(a.tokens[i].text, None, MatchKind.MISSING, 0.0) for i in left_a]
    matches += [TokenMatch(None, b.tokens[j].text, MatchKind.MISSING, 0.0) for j in left_b]
    if not matched:
        best = max(s for row in sims for _, s in row)
        return NameScore(round(min(0.4, 0.4 * best), 6), tuple(matches))
    weights = [max(_weight(a.tokens[i]), _weight(b.tokens[j])) for i, j in matched]
    quality = sum(w * sims[i][j][1] for w, (i, j) in zip(weights, matched, strict=True))
    score = quality / sum(weights) - MISSING_COST * missing - CONFLICT_COST * conflicts
    reordered, costly = _reordered([j for _, j in sorted(matched)])
    if costly:
        score -= REORDER_COST
    if len(matched) == 1 and max(len(a.tokens), len(b.tokens)) > 1:
        score = min(score, SINGLE_TOKEN_CAP)
    return NameScore(round(min(1.0, max(0.0, score)), 6), tuple(matches), reordered)


def _order_key(name: PreparedName) -> tuple[int, tuple[str, ...], str]:
    return len(name.tokens), name.texts, name.original


def compare_names(a: PreparedName, b: PreparedName) -> NameScore:
    """Score in [0, 1] that ``a`` and ``b`` name the same person; symmetric in a and b."""
    if _order_key(b) < _order_key(a):
        return _score(b, a).swapped()
    return _score(a, b)


def best_alias_score(as_: list[PreparedName], bs: list[PreparedName]) -> NameScore:
    """Best score over every pair of names (aliases, noms de guerre) of two persons."""
    best = NameScore(0.0, ())
    for a in as_:
        for b in bs:
            score = compare_names(a, b)
            if score.score > best.score:
                best = score
    return best
