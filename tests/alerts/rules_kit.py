"""Small helpers for the alert-rule tests: events with acts in a place on a day, made through
the case services, and rules made through the rule service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tocsin.alerts.rules import dry_runs, service
from tocsin.alerts.rules.schemas import Finding, RuleCreate, RulePublic
from tocsin.cases import acts, events
from tocsin.cases.schemas import ActCreate, EventCreate, PlaceIn
from tocsin.core.access import Actor
from tocsin.core.db import Database

MONDAY = date(2024, 3, 4)  # a window of the 7-day rules runs from here to Sunday the 10th
NO_EVENT_DATA = Path("/nonexistent/events.duckdb")


def day(offset: int, base: date = MONDAY) -> str:
    return (base + timedelta(days=offset)).isoformat()


def noon(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 12, tzinfo=UTC)


def acts_in(
    db: Database,
    actor: Actor,
    when: str,
    area: str | None,
    n: int = 1,
    *,
    act_type: str = "killing",
    tlp: str = "CLEAR",
    event_tlp: str | None = None,
    status: str = "reported",
    country: str = "XQ",
    title: str = "Shooting near the market",
    **act: Any,
) -> str:
    """An event on ``when`` in ``area`` with ``n`` acts of ``act_type``; returns its id."""
    with db.session() as s:
        made = events.create(s, actor, EventCreate(
            title=title, start=when, place=PlaceIn(country=country, admin_area=area),
            tlp=event_tlp or tlp, status=status))  # fmt: skip
        for _ in range(n):
            acts.create(s, actor, made.id, ActCreate(act_type=act_type, tlp=tlp, **act))
        return made.id


def body(kind: str, params: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"name": f"{kind} rule", "kind": kind, "params": params,
            "category": "community_threat", "severity": "severe", "urgency": "immediate",
            "certainty": "likely", "tlp": "AMBER", **kw}  # fmt: skip


def make_rule(db: Database, actor: Actor, kind: str, params: dict[str, Any],
              **kw: Any) -> RulePublic:  # fmt: skip
    with db.session() as s:
        return service.create_rule(s, actor, RuleCreate.model_validate(body(kind, params, **kw)))


def dry(
    db: Database,
    actor: Actor,
    rule: str | dict[str, Any],
    start: date,
    end: date,
    events_path: Path = NO_EVENT_DATA,
) -> list[Finding]:
    spec = rule if isinstance(rule, str) else RuleCreate.model_validate(rule)
    with db.session() as s:
        return dry_runs.dry_run(s, actor, spec, start, end, events_path=events_path)
