"""Screening: is this person or organisation on a list, or among the project's perpetrators?

Candidates come from the keys they share with the query (see ``index``); each is scored
feature by feature (see ``scoring``) and every hit carries the features its score rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor, is_protected
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.crosscheck.names import PreparedName, prepare
from tocsin.crosscheck.watchlists.candidates import Candidate, watchlist_candidates
from tocsin.crosscheck.watchlists.entries import SCHEMAS, birth_date, country_code
from tocsin.crosscheck.watchlists.index import id_keys, name_keys
from tocsin.crosscheck.watchlists.project import ProjectIndex
from tocsin.crosscheck.watchlists.scoring import (
    Feature,
    compare_birth,
    compare_identifiers,
    compare_name,
    compare_nationality,
    probability,
)

MAX_LIMIT = 50
DEFAULT_LIMIT = 10
DEFAULT_THRESHOLD = 0.5
SCREENED = "screen"  # the audit action of a screening


@dataclass(frozen=True)
class ScreenQuery:
    schema: str
    name: str
    aliases: tuple[str, ...] = ()
    birth_date: str | None = None
    nationality: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (type, number)

    @classmethod
    def make(cls, schema: str = "person", name: str = "", aliases: Iterable[str] = (),
             birth: str | None = None, nationality: str | None = None,
             identifiers: Iterable[tuple[str, str]] = ()) -> ScreenQuery:  # fmt: skip
        """A checked query: each bad field named."""
        if schema not in SCHEMAS:
            raise ValidationFailed.on("schema", f"use one of {', '.join(SCHEMAS)}")
        names = [n.strip() for n in (name, *aliases) if n and n.strip()]
        if not name.strip() or not any(prepare(n[:1000]).tokens for n in names):
            raise ValidationFailed.on("name", "needs at least one letter")
        if any(len(n) > 1000 for n in names):
            raise ValidationFailed.on("name", "is longer than 1000 characters")
        code = None
        if nationality and nationality.strip():
            code = country_code(nationality)
            if code is None:
                raise ValidationFailed.on("nationality", f"{nationality!r} is not a country")
        birth = birth_date(birth, "birth_date") if birth and birth.strip() else None
        ids = tuple((t.strip() or "id", n.strip()) for t, n in identifiers if n.strip())
        return cls(schema, names[0], tuple(names[1:]), birth, code, ids)

    def prepared(self) -> list[PreparedName]:
        return [p for n in (self.name, *self.aliases) if (p := prepare(n)).tokens]

    def as_dict(self) -> dict[str, Any]:
        return {"schema": self.schema, "name": self.name, "aliases": list(self.aliases),
                "birth_date": self.birth_date, "nationality": self.nationality,
                "identifiers": [{"type": t, "number": n} for t, n in self.identifiers]}


@dataclass(frozen=True)
class Hit:
    source: str  # watchlist or project
    collection: str  # the list's name, or persons / organisations
    record_id: str
    external_id: str | None
    schema: str
    caption: str
    score: float
    weight: float
    features: list[Feature] = field(default_factory=list)

    def explain(self) -> str:
        """One line: each feature's level and weight."""
        return "; ".join(f"{f.field} {f.level} ({f.weight:+.1f})" for f in self.features)


def _order(hit: Hit) -> tuple[float, float, str, str, str]:
    return -hit.score, -hit.weight, hit.source, hit.collection, hit.record_id


def score(query: ScreenQuery, names: list[PreparedName], candidate: Candidate) -> Hit:
    ids = [{"type": t, "number": n} for t, n in query.identifiers]
    features = [
        compare_name(names, candidate.names),
        compare_birth(query.birth_date, candidate.birth_dates),
        compare_nationality(query.nationality, candidate.nationalities),
        compare_identifiers(ids, candidate.identifiers),
    ]
    total = sum(f.weight for f in features)
    return Hit(candidate.source, candidate.collection, candidate.record_id,
               candidate.external_id, candidate.schema, candidate.caption,
               round(probability(total), 4), round(total, 4), features)  # fmt: skip


class Screener:
    """Screens queries for one actor; the project's records are read once per screener."""

    def __init__(self, session: Session, actor: Actor) -> None:
        actor.require(Permission.READ)
        self.session, self.actor = session, actor
        self.project = ProjectIndex(session, actor)
        self.protected_seen: set[str] = set()

    def screen(self, query: ScreenQuery, limit: int = DEFAULT_LIMIT,
               threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:  # fmt: skip
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed.on("limit", f"must be between 1 and {MAX_LIMIT}")
        if not 0 <= threshold <= 1:
            raise ValidationFailed.on("threshold", "must be between 0 and 1")
        names = query.prepared()
        keys = name_keys(names)
        candidates = [
            *watchlist_candidates(self.session, query.schema, keys,
                                  id_keys(n for _, n in query.identifiers)),
            *self.project.candidates(query.schema, keys),
        ]  # fmt: skip
        hits = sorted((score(query, names, c) for c in candidates), key=_order)
        shown = [h for h in hits if h.score >= threshold][:limit]
        tlps = {c.record_id: c.tlp for c in candidates if c.tlp is not None}
        self.protected_seen |= {h.record_id for h in shown
                                if h.schema == "person" and is_protected(tlps.get(h.record_id, 0))}
        return shown

    def finish(self, queries: int, hits: int) -> None:
        """Audit the run: how much was screened, and which protected records it showed."""
        audit.record(self.session, self.actor, SCREENED, "screening", "",
                     {"queries": queries, "hits": hits})  # fmt: skip
        audit.record_reads(self.session, self.actor, "person", sorted(self.protected_seen),
                           via="screening")  # fmt: skip


def screen(session: Session, actor: Actor, query: ScreenQuery, limit: int = DEFAULT_LIMIT,
           threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:  # fmt: skip
    """Scored candidates for one query, best first (audited)."""
    screener = Screener(session, actor)
    hits = screener.screen(query, limit, threshold)
    screener.finish(1, len(hits))
    return hits


def screen_many(
    session: Session, actor: Actor, queries: Iterable[tuple[str, ScreenQuery]],
    limit: int = DEFAULT_LIMIT, threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, list[Hit]]]:  # fmt: skip
    """(row id, hits) for each query, in order; one audit entry for the whole run."""
    screener = Screener(session, actor)
    done = found = 0
    for row_id, query in queries:
        hits = screener.screen(query, limit, threshold)
        done, found = done + 1, found + len(hits)
        if progress:
            progress(done)
        yield row_id, hits
    screener.finish(done, found)
