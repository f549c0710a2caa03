"""The response clock: from the first report behind an alert to its issue, and from its issue
to the first thing done about it. Those delays are what "instant action" is about."""

from __future__ import annotations

from datetime import datetime, timedelta

from tocsin.alerts.models import Alert
from tocsin.alerts.schemas import Timings
from tocsin.alerts.vocab import Urgency


def _gap(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def of(alert: Alert) -> Timings:
    return Timings(
        report_to_issue_s=_gap(alert.first_report_at, alert.issued_at),
        issue_to_ack_s=_gap(alert.issued_at, alert.acknowledged_at),
        issue_to_action_s=_gap(alert.issued_at, alert.first_action_at),
        report_to_action_s=_gap(alert.first_report_at, alert.first_action_at),
    )


# Minutes to acknowledge and to act when the issuer gives none: the more urgent, the shorter.
DEFAULT_DEADLINES: dict[Urgency, tuple[int, int]] = {
    Urgency.IMMEDIATE: (15, 60),
    Urgency.EXPECTED: (60, 6 * 60),
    Urgency.FUTURE: (4 * 60, 24 * 60),
    Urgency.PAST: (24 * 60, 3 * 24 * 60),
    Urgency.UNKNOWN: (60, 6 * 60),
}


def deadlines(
    urgency: str, issued_at: datetime, ack_minutes: int | None, act_minutes: int | None
) -> tuple[datetime, datetime]:
    ack_default, act_default = DEFAULT_DEADLINES[Urgency(urgency)]
    ack = issued_at + timedelta(minutes=ack_minutes or ack_default)
    act = issued_at + timedelta(minutes=act_minutes or act_default)
    return ack, act
