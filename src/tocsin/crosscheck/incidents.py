"""Incident linking: reports of one incident, from different sources, proposed as one.

Two events are compared only when their date ranges, widened for approximate dates, overlap and
they happened near each other: within ``max_km`` when both have coordinates, or in the same
country and area when they do not. The score then weighs how close they are in place and time,
how alike their act types are, and whether they name the same victims (a victim counts as the
same when the person records are one, or were merged into one cluster). Each proposal carries
those features, so a reviewer sees why two reports were paired.

Events are read in date order and compared within a sliding window, so a run over N events costs
about N times the number of events in a window, not N squared.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.dates import Precision
from tocsin.cases.models import Act, Event
from tocsin.crosscheck import review
from tocsin.crosscheck.models import ClusterMember
from tocsin.crosscheck.review import Proposal, ProposeReport

ENGINE = "incident-rules/1"
# How much wider an approximate date is than its stated granularity.
_SLACK = {Precision.APPROXIMATE: 3, Precision.APPROX_MONTH: 15, Precision.APPROX_YEAR: 90}
WEIGHTS = {"place": 0.3, "time": 0.25, "acts": 0.25, "victims": 0.2}


@dataclass(frozen=True)
class Report:
    """What incident linking needs of one event."""

    id: str
    first: date
    last: date
    lat: float | None
    lon: float | None
    country: str | None
    area: str | None
    acts: frozenset[str]
    victims: frozenset[str]


def _last_of(day: date, precision: Precision) -> date:
    grain = precision.granularity
    if grain == Precision.YEAR:
        return date(day.year, 12, 31)
    if grain == Precision.MONTH:
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def span(
    start: date, start_p: str | None, end: date | None, end_p: str | None
) -> tuple[date, date]:
    """The first and last day the stated dates can mean, widened when approximate."""
    sp = Precision(start_p or "day")
    first = start - timedelta(days=_SLACK.get(sp, 0))
    if end is None:
        last = _last_of(start, sp) + timedelta(days=_SLACK.get(sp, 0))
    else:
        ep = Precision(end_p or "day")
        last = end + timedelta(days=_SLACK.get(ep, 0))
    return first, max(first, last)


def km(a: Report, b: Report) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float | None:
    return None if not a or not b else len(a & b) / len(a | b)


def compare(a: Report, b: Report, max_km: float) -> tuple[float, list[dict[str, Any]]] | None:
    """The score of two reports being one incident, and its features; None when they cannot
    be (apart in time or place)."""
    if a.last < b.first or b.last < a.first:
        return None
    distance = km(a, b)
    if distance is None:
        if not a.country or a.country != b.country or (a.area and b.area and a.area != b.area):
            return None
        place, place_note = 0.5, f"same {'area' if a.area and b.area else 'country'}"
    elif distance > max_km:
        return None
    else:
        place, place_note = 1 - distance / max_km, f"{distance:.1f} km apart"
    overlap = (min(a.last, b.last) - max(a.first, b.first)).days + 1
    widest = max((a.last - a.first).days, (b.last - b.first).days) + 1
    time = overlap / widest
    parts: dict[str, float | None] = {
        "place": place, "time": time,
        "acts": _jaccard(a.acts, b.acts), "victims": _jaccard(a.victims, b.victims),
    }  # fmt: skip
    known = {k: v for k, v in parts.items() if v is not None}
    score = sum(WEIGHTS[k] * v for k, v in known.items()) / sum(WEIGHTS[k] for k in known)
    features: list[dict[str, Any]] = [
        {"field": "place", "similarity": round(place, 3), "detail": place_note},
        {"field": "time", "similarity": round(time, 3),
         "detail": f"{overlap} of {widest} days overlap"},
        {"field": "acts", "similarity": _round(parts["acts"]),
         "detail": ", ".join(sorted(a.acts & b.acts)) or "no act type in common"},
        {"field": "victims", "similarity": _round(parts["victims"]),
         "detail": f"{len(a.victims & b.victims)} victim(s) in common"},
    ]  # fmt: skip
    return round(score, 4), features


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def reports(session: Session) -> list[Report]:
    """Every dated event, with its act types and victims (victims as their cluster, if any)."""
    # (A Result has .keys(), so dict() would take it for a mapping: go through its rows.)
    clusters = dict(session.execute(select(ClusterMember.record_id, ClusterMember.cluster_id)
                                    .where(ClusterMember.kind == "person")).all())  # fmt: skip
    acts: dict[str, set[str]] = defaultdict(set)
    victims: dict[str, set[str]] = defaultdict(set)
    for event_id, act_type, victim in session.execute(
        select(Act.event_id, Act.act_type, Act.victim_person_id)
    ):
        acts[event_id].add(act_type)
        if victim:
            victims[event_id].add(clusters.get(victim, victim))
    out = []
    rows = session.execute(select(
        Event.id, Event.start_date, Event.start_precision, Event.end_date, Event.end_precision,
        Event.latitude, Event.longitude, Event.country, Event.admin_area,
    ).where(Event.start_date.is_not(None)))  # fmt: skip
    for eid, start, sp, end, ep, lat, lon, country, area in rows:
        assert start is not None  # selected so
        first, last = span(start, sp, end, ep)
        out.append(Report(eid, first, last, lat, lon, country, area,
                          frozenset(acts[eid]), frozenset(victims[eid])))  # fmt: skip
    return sorted(out, key=lambda r: (r.first, r.id))


def candidates(items: list[Report], max_km: float, min_score: float) -> Iterator[Proposal]:
    """Pairs worth a look, from reports sorted by their first day."""
    open_: list[Report] = []
    for r in items:
        open_ = [o for o in open_ if o.last >= r.first]  # the rest ended before r began
        for o in open_:
            found = compare(o, r, max_km)
            if found is not None and found[0] >= min_score:
                yield Proposal(o.id, r.id, found[0], found[1])
        open_.append(r)


def link_incidents(
    session: Session, max_km: float = 10.0, min_score: float = 0.5
) -> ProposeReport:
    """Propose, for review, the pairs of events that may report one incident."""
    return review.propose(session, "event", candidates(reports(session), max_km, min_score),
                          ENGINE)  # fmt: skip
