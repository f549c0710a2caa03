"""Fellegi-Sunter scoring of one query against one candidate, feature by feature.

Each feature lands on a level; a level's weight is log2(m / u), where m is how often a true
match shows that level and u how often a non-match (among candidates that share a name key)
does. The weights add up with a prior and become a probability. The m and u values are set
by judgement from how sanctions lists and case records are written (no labelled data), and are
stated here so that every weight in an explanation can be traced.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from tocsin.crosscheck.names import PreparedName, compare_names
from tocsin.crosscheck.watchlists.entries import identifier_key

PRIOR = -6.0  # log2 odds that a candidate sharing a name key is the person: about 1 in 65
WEAK_ALIAS = 0.9  # a nickname or low-quality alias is worth less than a name


@dataclass(frozen=True)
class Level:
    name: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return float(math.log2(self.m / self.u))


NAME_LEVELS = (  # (lowest name score, level)
    (0.95, Level("strong", 0.70, 0.0005)),
    (0.85, Level("close", 0.20, 0.002)),
    (0.70, Level("similar", 0.07, 0.02)),
    (0.0, Level("different", 0.03, 0.9775)),
)
BIRTH = {
    "exact": Level("exact", 0.50, 0.002),
    "same_year": Level("same_year", 0.30, 0.03),
    "near": Level("near", 0.10, 0.06),
    "conflict": Level("conflict", 0.05, 0.90),
}
NATIONALITY = {"overlap": Level("overlap", 0.85, 0.10), "conflict": Level("conflict", 0.15, 0.90)}
IDENTIFIER = {"match": Level("match", 0.90, 0.000001), "differ": Level("differ", 0.50, 0.99)}
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Feature:
    field: str
    query_value: Any
    candidate_value: Any
    level: str
    weight: float
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "query_value": self.query_value,
                "candidate_value": self.candidate_value, "level": self.level,
                "weight": round(self.weight, 2), "explanation": self.explanation}  # fmt: skip


def probability(weights: float) -> float:
    odds = max(-200.0, min(200.0, PRIOR + weights))
    return 1.0 / (1.0 + math.pow(2.0, -odds))


def compare_name(query: list[PreparedName], names: list[tuple[PreparedName, bool]]) -> Feature:
    best: tuple[float, str, str, str] = (-1.0, "", "", "")
    for q in query:
        for candidate, weak in names:
            scored = compare_names(q, candidate)
            value = scored.score * (WEAK_ALIAS if weak else 1.0)
            if value > best[0]:
                note = " (weak alias)" if weak else ""
                best = (value, q.original, candidate.original, scored.explain() + note)
    value, q_name, c_name, why = best
    level = next(lv for floor, lv in NAME_LEVELS if value >= floor)
    return Feature("name", q_name, c_name, level.name, level.weight, f"name score {why}")


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _span(value: str) -> tuple[int, int, str | None] | None:
    """First and last possible year, and the day when the date is exact."""
    rough = value.startswith("~")
    value = value.lstrip("~").strip()
    if "/" in value:
        first, _, last = value.partition("/")
        if first.isdigit() and last.isdigit():
            return int(first), int(last), None
        return None
    m = _DATE.match(value)
    if not m:
        return None
    year = int(m.group(1))
    if rough:
        return year - 1, year + 1, None
    return year, year, value if m.group(3) else None


def _birth_level(a: str, b: str) -> str | None:
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return None
    if sa[2] and sa[2] == sb[2]:
        return "exact"
    if sa[0] <= sb[1] and sb[0] <= sa[1]:
        return "same_year"
    gap = max(sa[0] - sb[1], sb[0] - sa[1])
    return "near" if gap <= 2 else "conflict"


def compare_birth(query: str | None, dates: list[str]) -> Feature:
    order = list(BIRTH)
    found = [(order.index(lv), d, lv) for d in dates if query and (lv := _birth_level(query, d))]
    if not found:
        return Feature("birth_date", query, dates or None, UNKNOWN, 0.0,
                       "not known on both sides")  # fmt: skip
    _, date, name = min(found)
    level = BIRTH[name]
    why = {"exact": "the same day", "same_year": "the same year (or within a stated range)",
           "near": "one or two years apart", "conflict": "more than two years apart"}[name]
    return Feature("birth_date", query, date, name, level.weight, why)


def compare_nationality(query: str | None, codes: list[str]) -> Feature:
    if not query or not codes:
        return Feature("nationality", query, codes or None, UNKNOWN, 0.0,
                       "not known on both sides")  # fmt: skip
    if query in codes:
        return Feature("nationality", query, query, "overlap",
                       NATIONALITY["overlap"].weight, "a nationality in common")  # fmt: skip
    return Feature("nationality", query, codes, "conflict", NATIONALITY["conflict"].weight,
                   "no nationality in common")  # fmt: skip


def compare_identifiers(query: list[dict[str, str]], ids: list[dict[str, str]]) -> Feature:
    if not query or not ids:
        return Feature("identifiers", [i["number"] for i in query] or None,
                       [i["number"] for i in ids] or None, UNKNOWN, 0.0,
                       "not known on both sides")  # fmt: skip
    theirs = {identifier_key(i["number"]): i for i in ids}
    for mine in query:
        found = theirs.get(identifier_key(mine["number"]))
        if found:
            return Feature("identifiers", mine["number"], found["number"], "match",
                           IDENTIFIER["match"].weight,
                           f"the same number ({found['type']})")  # fmt: skip
    return Feature("identifiers", [i["number"] for i in query], [i["number"] for i in ids],
                   "differ", IDENTIFIER["differ"].weight,
                   "different numbers (a person may hold several documents)")  # fmt: skip
