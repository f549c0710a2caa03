"""Dashboard figures: events and victims by act type, month and place, and the newest events
still waiting for verification, all within what the reader may see.

An aggregate is a read too: a RED event (or any act inside it) must not move a number shown to
someone not cleared for it, so acts are counted only when both the act and its event are
visible. The figures are cached per clearance and checked against a cheap data version on every
call, so the first page after any change already shows it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tocsin.cases.models import Act, Event
from tocsin.cases.records import read_is_audited
from tocsin.cases.workflow import Status
from tocsin.core import audit
from tocsin.core.access import Actor, visible
from tocsin.core.clock import utcnow
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP

# Statuses where someone still has work to do before the facts can be relied on.
NEEDS_VERIFICATION = (Status.REPORTED.value, Status.UNDER_VERIFICATION.value)
MONTHS_SHOWN = 24
TOP_PLACES = 10
LATEST = 10
CACHE_SIZE = 64


@dataclass(frozen=True)
class Tally:
    """One bar of a chart: a key (act type code, first day of a month, place) and its counts."""

    key: Any
    events: int = 0
    victims: int = 0


@dataclass(frozen=True)
class EventLine:
    """An event as the dashboard lists it (no description, no people)."""

    id: str
    title: str
    status: str
    tlp: int
    start_date: date | None
    start_precision: str | None
    country: str | None
    place_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class Dashboard:
    events: int
    victims: int
    needing_verification: int
    by_act_type: list[Tally]
    by_month: list[Tally]
    by_country: list[Tally]
    by_area: list[Tally]  # key: (country, admin_area)
    latest: list[EventLine] = field(default_factory=list)


def _sees_everything(actor: Actor) -> bool:
    return actor.clearance >= max(TLP)


def _acts(actor: Actor, *columns: Any) -> Select[Any]:
    """Acts the actor may see inside events the actor may see."""
    q = select(*columns).select_from(Act)
    if _sees_everything(actor):
        return q  # every act has its event (foreign key, cascade): no join needed
    return q.join(Event, Event.id == Act.event_id).where(visible(Act, actor), visible(Event, actor))


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_back(end: date, n: int) -> date:
    index = end.year * 12 + end.month - 1 - (n - 1)
    return date(index // 12, index % 12 + 1, 1)


def _month_range(first: date, last: date) -> list[date]:
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = date(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
    return out


def _ranked(tallies: dict[Any, list[int]], limit: int | None = None) -> list[Tally]:
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1][0], -kv[1][1], str(kv[0])))
    return [Tally(k, e, v) for k, (e, v) in ordered[:limit]]


def _by_month(months: dict[date, list[int]], today: date) -> list[Tally]:
    """The last MONTHS_SHOWN months that hold data (months without any shown as zero); a
    mistyped future date does not stretch the chart."""
    known = [m for m in months if m <= _month(today)]
    if not known:
        return []
    last = max(known)
    first = max(min(known), _months_back(last, MONTHS_SHOWN))
    return [Tally(m, *months.get(m, [0, 0])) for m in _month_range(first, last)]


@dataclass
class _Folded:
    """Counts by (day, country, area) folded into months and places; slot 0 counts events,
    slot 1 victims."""

    months: dict[date, list[int]] = field(default_factory=dict)
    countries: dict[Any, list[int]] = field(default_factory=dict)
    areas: dict[Any, list[int]] = field(default_factory=dict)
    totals: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, rows: Iterable[Any], slot: int) -> None:
        for day, country, area, n in rows:
            n = int(n or 0)
            self.totals[slot] += n
            keyed = [(self.countries, country)]
            if day is not None:
                keyed.append((self.months, _month(day)))
            if area:
                keyed.append((self.areas, (country, area)))
            for into, key in keyed:
                into.setdefault(key, [0, 0])[slot] += n


def compute(session: Session, actor: Actor, today: date | None = None) -> Dashboard:
    """The figures, freshly counted (no cache)."""
    actor.require(Permission.READ)
    today = today or utcnow().date()
    seen = visible(Event, actor)
    folded = _Folded()
    # One grouped pass over events and one over acts: day and place together, folded into
    # months and places here, so no backend-specific date function is needed.
    folded.add(
        session.execute(
            select(Event.start_date, Event.country, Event.admin_area, func.count())
            .where(seen)
            .group_by(Event.start_date, Event.country, Event.admin_area)
        ),
        0,
    )
    folded.add(
        session.execute(
            _acts(actor, Act.start_date, Act.country, Act.admin_area, func.sum(Act.victim_count))
            .group_by(Act.start_date, Act.country, Act.admin_area)
        ),
        1,
    )
    types: dict[Any, list[int]] = {}
    by_type = session.execute(
        _acts(
            actor, Act.act_type, func.count(func.distinct(Act.event_id)), func.sum(Act.victim_count)
        ).group_by(Act.act_type)
    )
    for act_type, n_events, n_victims in by_type:
        types[act_type] = [int(n_events), int(n_victims or 0)]
    waiting = session.scalar(
        select(func.count()).select_from(Event).where(seen, Event.status.in_(NEEDS_VERIFICATION))
    )
    return Dashboard(
        events=folded.totals[0],
        victims=folded.totals[1],
        needing_verification=int(waiting or 0),
        by_act_type=_ranked(types),
        by_month=_by_month(folded.months, today),
        by_country=_ranked(folded.countries, TOP_PLACES),
        by_area=_ranked(folded.areas, TOP_PLACES),
        latest=latest_needing_verification(session, actor),
    )


def latest_needing_verification(
    session: Session, actor: Actor, limit: int = LATEST
) -> list[EventLine]:
    """The newest events not yet verified. One ordered probe per status, merged here: each
    walks the (status, created_at) index backwards and stops after ``limit`` rows."""
    found: list[EventLine] = []
    for status in NEEDS_VERIFICATION:
        rows = session.execute(
            select(
                Event.id,
                Event.title,
                Event.status,
                Event.tlp,
                Event.start_date,
                Event.start_precision,
                Event.country,
                Event.place_name,
                Event.created_at,
            )
            .where(Event.status == status, visible(Event, actor))
            .order_by(Event.created_at.desc(), Event.id.desc())
            .limit(limit)
        )
        found.extend(EventLine(*row) for row in rows)
    found.sort(key=lambda e: (e.created_at, e.id), reverse=True)
    return found[:limit]


# ---- the cache ---------------------------------------------------------------------------------

_cache: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Dashboard]] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever an event or act is added, edited or deleted: counts catch deletions,
    the newest ``updated_at`` (indexed) catches edits and additions."""
    # Four statements, not two: SQLite answers a lone count(*) or max() from the index
    # directly, but scans every entry when asked for both at once.
    return tuple(
        session.scalar(q)
        for model in (Event, Act)
        for q in (select(func.count()).select_from(model), select(func.max(model.updated_at)))
    )


def _audience(session: Session, actor: Actor) -> tuple[Any, ...]:
    """Who sees the same figures: everyone of one clearance, except that records one filed
    oneself are visible regardless of level, so below full clearance the key is the person."""
    bind = session.get_bind()
    where = str(bind.engine.url) if hasattr(bind, "engine") else str(id(bind))
    who = None if _sees_everything(actor) else actor.user_id
    return (where, int(actor.clearance), who)


def dashboard(session: Session, actor: Actor) -> Dashboard:
    """The figures for ``actor``, from the cache when nothing has changed since they were
    counted; the protected events listed are audited as read on every call, cached or not."""
    actor.require(Permission.READ)
    key = _audience(session, actor)
    version = (*data_version(session), utcnow().date())
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is not None and hit[0] == version:
        figures = hit[1]
    else:
        figures = compute(session, actor)
        with _lock:
            _cache[key] = (version, figures)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    _audit_listed(session, actor, figures.latest)
    return figures


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _audit_listed(session: Session, actor: Actor, rows: Iterable[EventLine]) -> None:
    protected = [r.id for r in rows if read_is_audited("event", r.tlp)]
    audit.record_reads(session, actor, "event", protected, via="dashboard")
