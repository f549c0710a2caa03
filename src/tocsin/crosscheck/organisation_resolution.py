"""Organisation resolution: one armed group, unit or company filed under several names.

Organisations are few beside persons (hundreds, not millions), and their names carry most of the
evidence, so the pairs are found and scored directly: every name and alias of each organisation
goes through the name layer, pairs sharing a phonetic key are compared with its alias-aware
comparison, and a country or kind that disagrees lowers the score. Organisation names are not
protected data, so the proposal keeps the names that matched, for the reviewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Organisation
from tocsin.crosscheck import review
from tocsin.crosscheck.names import PreparedName, best_alias_score, prepare
from tocsin.crosscheck.review import Proposal, ProposeReport

ENGINE = "names/organisations-1"
COUNTRY_CONFLICT = 0.75  # the same name in two countries is often two branches, or two groups
KIND_CONFLICT = 0.9
MAX_BLOCK = 200  # a key shared by more organisations than this says nothing (e.g. "army")


@dataclass(frozen=True)
class _Org:
    id: str
    names: list[PreparedName]
    country: str | None
    kind: str


def _orgs(session: Session) -> list[_Org]:
    out = []
    for o in session.scalars(select(Organisation).order_by(Organisation.id)):
        names = [prepare(n) for n in [o.name, *(o.aliases or [])] if n and n.strip()]
        names = [n for n in names if n.tokens]
        if names:
            out.append(_Org(o.id, names, o.country, o.kind))
    return out


def score(a: _Org, b: _Org) -> tuple[float, list[dict[str, Any]]]:
    name = best_alias_score(a.names, b.names)
    value = name.score
    features: list[dict[str, Any]] = [
        {"field": "name", "similarity": round(name.score, 3), "detail": name.explain()}
    ]
    if a.country and b.country:
        same = a.country == b.country
        value *= 1.0 if same else COUNTRY_CONFLICT
        features.append({"field": "country", "level": "same" if same else "different"})
    same_kind = a.kind == b.kind
    value *= 1.0 if same_kind else KIND_CONFLICT
    features.append({"field": "kind", "level": "same" if same_kind else "different"})
    return round(value, 4), features


def resolve_organisations(session: Session, threshold: float = 0.85) -> ProposeReport:
    """Propose, for review, the pairs of organisations scoring at least ``threshold``."""
    orgs = _orgs(session)
    blocks: dict[str, set[int]] = defaultdict(set)
    for i, org in enumerate(orgs):
        for name in org.names:
            for key in name.keys:
                if len(key) >= 2:
                    blocks[key].add(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            pairs.update(combinations(sorted(members), 2))
    proposals = []
    for i, j in sorted(pairs):
        value, features = score(orgs[i], orgs[j])
        if value >= threshold:
            proposals.append(Proposal(orgs[i].id, orgs[j].id, value, features))
    return review.propose(session, "organisation", proposals, ENGINE)
