"""Alert records: draft one (by hand or from a CAP document), edit the draft, read one, list
them. The lifecycle after the draft (issue, update, cancel, close, acknowledge, actions) is in
``lifecycle``.

Every function takes a SQLAlchemy ``Session`` and the acting ``Actor``, checks permissions and
visibility itself, and returns API shapes (``schemas``), never storage rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session

from tocsin.alerts import fields, views
from tocsin.alerts.cap_input import parse_cap
from tocsin.alerts.models import Alert, AlertChange
from tocsin.alerts.schemas import AlertCreate, AlertPublic, AlertSummary, AlertUpdate
from tocsin.alerts.visibility import KIND, audit_rows, load, visible_query
from tocsin.alerts.vocab import AlertSource, AlertState, Category, Severity
from tocsin.cases.records import paginate, tlp_rank, written
from tocsin.cases.schemas import Page
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.countries import check_country
from tocsin.core.errors import Conflict, ValidationFailed
from tocsin.core.ids import new_id
from tocsin.core.roles import Permission


def create_draft(
    session: Session, actor: Actor, data: AlertCreate, source: AlertSource = AlertSource.MANUAL
) -> AlertPublic:
    actor.require(Permission.ALERT)
    alert_id = new_id()
    alert = Alert(
        id=alert_id, identifier=f"tocsin:{alert_id}", version=1, title="", severity="",
        urgency="", certainty="", category="", tlp=tlp_rank(data.tlp), state=AlertState.DRAFT,
        source=source.value, references=[], recipients=[], created_by=actor.user_id,
    )  # fmt: skip
    session.add(alert)
    session.flush()
    given = AlertUpdate.model_validate(data.model_dump(exclude={"tlp"}))
    fields.apply(session, actor, alert, given)
    session.add(AlertChange(alert_id=alert.id, from_state=None, to_state=AlertState.DRAFT,
                            version=alert.version, by=actor.user_id, at=utcnow(),
                            detail={"event": "drafted", "source": source.value}))  # fmt: skip
    written(session, actor, audit.Action.CREATE, KIND, alert.id)
    session.flush()
    return views.public(session, actor, alert)


def import_cap(session: Session, actor: Actor, document: bytes) -> AlertPublic:
    """A draft from a CAP 1.2 document, for a person to check before it is issued."""
    actor.require(Permission.ALERT)
    return create_draft(session, actor, parse_cap(session, document), AlertSource.CAP_IMPORT)


def edit_draft(session: Session, actor: Actor, alert_id: str, data: AlertUpdate) -> AlertPublic:
    actor.require(Permission.ALERT)
    alert = load(session, actor, alert_id, for_update=True)
    if alert.state != AlertState.DRAFT:
        raise Conflict(
            f"only a draft can be edited; this alert is {alert.state} (POST .../update "
            "sends a new version of an issued alert)"
        )
    changed = fields.apply(session, actor, alert, data)
    if changed:
        alert.updated_at = utcnow()
        written(session, actor, audit.Action.UPDATE, KIND, alert.id, changed)
    session.flush()
    return views.public(session, actor, alert)


def get_alert(session: Session, actor: Actor, alert_id: str) -> AlertPublic:
    return views.public(session, actor, load(session, actor, alert_id))


@dataclass
class AlertFilters:
    state: str | None = None
    country: str | None = None
    category: str | None = None
    severity: str | None = None


def filtered(actor: Actor, f: AlertFilters) -> Select[tuple[Alert]]:
    """The alerts ``actor`` may see that pass ``f``: the API's list and the pages' inbox."""
    q = visible_query(actor)
    if f.state:
        q = q.where(Alert.state == _member(AlertState, f.state, "state"))
    if f.country:
        q = q.where(Alert.country == check_country(f.country))
    if f.category:
        q = q.where(Alert.category == _member(Category, f.category, "category"))
    if f.severity:
        q = q.where(Alert.severity == _member(Severity, f.severity, "severity"))
    return q.order_by(Alert.created_at.desc(), Alert.id.desc())


def _member(vocab: type[AlertState] | type[Category] | type[Severity], value: str,
            field: str) -> str:  # fmt: skip
    choices = [m.value for m in vocab]
    if value not in choices:
        raise ValidationFailed.on(field, f"unknown {field} {value!r}; use one of "
                                  f"{', '.join(choices)}")  # fmt: skip
    return value


def list_alerts(
    session: Session, actor: Actor, f: AlertFilters, page: int, page_size: int
) -> Page[AlertSummary]:
    """Alerts the actor may see, newest first."""
    rows, total, exact = paginate(session, filtered(actor, f), page, page_size)
    audit_rows(session, actor, rows)
    return Page[AlertSummary](items=views.summaries(session, rows), total=total,
                              total_exact=exact, page=page, page_size=page_size)  # fmt: skip
