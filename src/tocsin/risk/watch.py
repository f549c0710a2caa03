"""The horizon-scan watchlist: places the team follows closely, whatever the figures say.

An analyst adds a place with the reason it is watched; the horizon scan shows watched places
first. Adding a place already watched updates its reason rather than failing, so two analysts
adding the same place in the same week do not trip over each other."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.countries import check_country
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.risk.forecast_tables import WatchItem

MAX_AREA = 200
MAX_REASON = 2000


def watch(
    session: Session, actor: Actor, country: str, area: str = "", reason: str = ""
) -> WatchItem:
    """Add a country (or an area in it) to the watchlist, or update why it is watched."""
    actor.require(Permission.ASSESS)
    code = check_country(country, "country")
    if code is None:
        raise ValidationFailed.on("country", "is required")
    area = area.strip()
    if len(area) > MAX_AREA:
        raise ValidationFailed.on("area", f"is longer than {MAX_AREA} characters")
    if len(reason) > MAX_REASON:
        raise ValidationFailed.on("reason", f"is longer than {MAX_REASON} characters")
    item = session.scalar(
        select(WatchItem).where(WatchItem.country == code, WatchItem.area == area)
    )
    if item is None:
        item = WatchItem(country=code, area=area, reason=reason.strip(), added_by=actor.user_id)
        session.add(item)
        action = audit.Action.CREATE
    else:
        item.reason = reason.strip()
        action = audit.Action.UPDATE
    session.flush()
    audit.record(
        session, actor, action, "risk_watch_item", item.id, {"country": code, "area": area}
    )
    return item


def unwatch(session: Session, actor: Actor, item_id: str) -> None:
    actor.require(Permission.ASSESS)
    item = session.get(WatchItem, item_id)
    if item is None:
        raise NotFound("no such watched place")
    audit.record(session, actor, audit.Action.DELETE, "risk_watch_item", item.id,
                 {"country": item.country, "area": item.area})  # fmt: skip
    session.delete(item)
    session.flush()


def watched(session: Session) -> list[WatchItem]:
    return list(session.scalars(select(WatchItem).order_by(WatchItem.country, WatchItem.area)))
