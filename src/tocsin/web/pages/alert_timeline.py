"""An alert's life as one timeline: its recorded history (drafted, issued, each update,
cancelled, closed), its acknowledgement, the actions taken, and the escalations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from tocsin.alerts.escalation import escalation_history
from tocsin.alerts.schemas import AlertPublic
from tocsin.web.pages.alert_words import STEPS


@dataclass(frozen=True)
class Moment:
    """One line of the timeline. ``step`` names it (drafted, issued, updated, cancelled,
    closed, acknowledged, action, escalated, exhausted); ``kind`` is an action's kind."""

    at: datetime
    step: str
    by: str | None = None
    version: int | None = None
    reason: str | None = None
    kind: str | None = None
    note: str = ""
    level: int | None = None
    missed: datetime | None = None  # the deadline to acknowledge that passed
    notified: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (user id, why not told)


def escalations(session: Session, alert_id: str) -> list[Moment]:
    """The escalation clock's moves (``EscalationPublic``): a step called, or the chain's end."""
    return [
        Moment(e.at, e.kind, level=e.level, missed=e.missed_deadline,
               notified=[str(n) for n in e.notified],
               skipped=[(s.user_id, s.why) for s in e.skipped])
        for e in escalation_history(session, alert_id)
    ]  # fmt: skip


def timeline(session: Session, a: AlertPublic) -> list[Moment]:
    """Every step, oldest first; on the same instant, the recorded history comes first."""
    moments = [
        Moment(c.at, c.event if c.event in STEPS else c.to_state, by=c.by,
               version=c.version, reason=c.reason)
        for c in a.history
    ]  # fmt: skip
    if a.acknowledged_at is not None:
        moments.append(Moment(a.acknowledged_at, "acknowledged", by=a.acknowledged_by))
    moments.extend(Moment(x.taken_at, "action", by=x.taken_by, kind=x.kind, note=x.note)
                   for x in a.actions)  # fmt: skip
    moments.extend(escalations(session, a.id))
    return sorted(moments, key=lambda m: m.at)  # stable: ties keep the order above


def people_in(moments: list[Moment]) -> list[str]:
    """Ids of everyone the timeline names, to look their names up at once."""
    return [i for m in moments for i in (m.by, *m.notified, *(u for u, _ in m.skipped)) if i]
