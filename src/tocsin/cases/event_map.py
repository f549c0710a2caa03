"""Points for the events map: the filtered events that have coordinates, as GeoJSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tocsin.cases.events import EventFilters, filtered
from tocsin.cases.models import Event
from tocsin.cases.records import read_is_audited
from tocsin.core import audit
from tocsin.core.access import Actor

# A browser clusters this many markers comfortably on a modest laptop; past it the map says
# that it shows only the newest ones (in the list's order) and the list holds the rest.
MAX_POINTS = 20_000


def points(
    session: Session, actor: Actor, f: EventFilters, limit: int | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the visible events matching ``f`` that have a position,
    in the list's order, at most ``limit`` of them (``capped`` says when more matched).
    Titles are shown on the map, so protected ones are audited as read, as a list would be."""
    limit = MAX_POINTS if limit is None else limit
    # The counting shape (acts matched by IN, not probed per event): the map takes every match.
    query = (
        filtered(session, actor, f, counting=True)
        .with_only_columns(Event.id, Event.title, Event.latitude, Event.longitude, Event.tlp)
        .where(Event.latitude.is_not(None), Event.longitude.is_not(None))
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    capped = len(rows) > limit
    rows = rows[:limit]
    audit.record_reads(
        session, actor, "event", [r.id for r in rows if read_is_audited("event", r.tlp)], via="map"
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": r.id,
                "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                "properties": {"title": r.title},
            }
            for r in rows
        ],
        "capped": capped,
        "limit": limit,
    }
