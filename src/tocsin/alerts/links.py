"""The records behind an alert: checked when given, shown within the reader's clearance, and
read for the instant the first report came in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tocsin.alerts.models import AlertLink
from tocsin.alerts.schemas import LinksIn, LinksPublic
from tocsin.alerts.vocab import LinkKind
from tocsin.cases.models import Act, Event
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast_tables import ForecastRun
from tocsin.risk.models import RiskAssessment
from tocsin.vault.models import Evidence

# (field of LinksIn, link kind, table): one place that says which records may stand behind one.
LINK_FIELDS: tuple[tuple[str, LinkKind, Any], ...] = (
    ("event_ids", LinkKind.EVENT, Event),
    ("act_ids", LinkKind.ACT, Act),
    ("assessment_ids", LinkKind.ASSESSMENT, RiskAssessment),
    ("evidence_ids", LinkKind.EVIDENCE, Evidence),
    ("forecast_run_ids", LinkKind.FORECAST_RUN, ForecastRun),
)


def check(session: Session, actor: Actor, links: LinksIn) -> list[tuple[str, str]]:
    """(kind, id) pairs, each checked to exist and be within the actor's clearance; an id they
    may not see is reported as unknown, exactly like one that does not exist."""
    pairs: list[tuple[str, str]] = []
    for field, kind, model in LINK_FIELDS:
        ids = list(dict.fromkeys(getattr(links, field)))
        if not ids:
            continue
        found = {
            row.id: row
            for row in session.execute(
                select(model.id, model.tlp, model.created_by).where(model.id.in_(ids))
            )
        }
        for i, record_id in enumerate(getattr(links, field)):
            row = found.get(record_id)
            if row is None or not actor.may_see(row.tlp, row.created_by):
                raise ValidationFailed.on(f"links.{field}[{i}]", f"no record with id {record_id!r}")
        pairs.extend((kind.value, record_id) for record_id in ids)
    return pairs


def replace(session: Session, alert_id: str, pairs: list[tuple[str, str]]) -> None:
    session.execute(delete(AlertLink).where(AlertLink.alert_id == alert_id))
    session.add_all(AlertLink(alert_id=alert_id, kind=k, record_id=r) for k, r in pairs)
    session.flush()


def of(session: Session, alert_id: str) -> dict[str, list[str]]:
    """Every linked id by kind, whoever reads."""
    out: dict[str, list[str]] = {kind.value: [] for _, kind, _ in LINK_FIELDS}
    rows = session.execute(
        select(AlertLink.kind, AlertLink.record_id)
        .where(AlertLink.alert_id == alert_id)
        .order_by(AlertLink.kind, AlertLink.record_id)
    )
    for kind, record_id in rows:
        out.setdefault(kind, []).append(record_id)
    return out


def public(session: Session, actor: Actor, alert_id: str) -> LinksPublic:
    linked = of(session, alert_id)
    shown: dict[str, list[str]] = {}
    hidden = 0
    for field, kind, model in LINK_FIELDS:
        ids = linked.get(kind.value, [])
        seen: set[str] = set()
        if ids:
            rows = session.execute(
                select(model.id, model.tlp, model.created_by).where(model.id.in_(ids))
            )
            seen = {r.id for r in rows if actor.may_see(r.tlp, r.created_by)}
        shown[field] = [i for i in ids if i in seen]
        hidden += len(ids) - len(shown[field])
    return LinksPublic(**shown, hidden=hidden)


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def first_report_at(session: Session, alert_id: str) -> datetime | None:
    """The earliest instant among the linked events and acts: each one's start date (at 00:00
    UTC, a date being all most reports give) or the time it was recorded, whichever is first."""
    linked = of(session, alert_id)
    instants: list[datetime] = []
    for model, ids in ((Event, linked[LinkKind.EVENT]), (Act, linked[LinkKind.ACT])):
        if not ids:
            continue
        rows = session.execute(
            select(model.start_date, model.created_at).where(model.id.in_(ids))
        )
        for start, recorded in rows:
            instants.extend(t for t in (_start(start), recorded) if t is not None)
    return min(instants) if instants else None


def event_and_act_ids(session: Session, alert_id: str) -> tuple[list[str], list[str]]:
    linked = of(session, alert_id)
    return linked[LinkKind.EVENT], linked[LinkKind.ACT]


def evidence_ids(session: Session, alert_id: str) -> Iterable[str]:
    return of(session, alert_id)[LinkKind.EVIDENCE]
