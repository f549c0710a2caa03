"""A change of risk level: a forecast run or an approved assessment that puts a country (or an
area of it) at ``min_level`` or above, up from a lower level. The changes are the horizon
scan's own (``risk.horizon.risk_level_changes``); this module only picks the ones the rule
watches, at or below the sharing level counted.

Reading approved assessments at AMBER and above is audited as a read by the person the rule
acts for. So that a rule run every minute does not write that entry every minute, the worker
first looks (by id only) for runs and approvals in the look-back period, and asks again only
when that set has changed since this process last asked, or an hour has passed (so a firing
lost to a failed commit is found again; its key keeps it from firing twice).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tocsin.alerts.rules.params import RiskLevel
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec, area_key
from tocsin.alerts.rules.windows import Span
from tocsin.risk.assessments.scale import Level, Status
from tocsin.risk.forecast_tables import ForecastRun
from tocsin.risk.horizon import risk_level_changes
from tocsin.risk.horizon_levels import start_of
from tocsin.risk.models import RiskAssessment

RECHECK_S = 3600.0
_asked: dict[str, tuple[frozenset[str], float]] = {}  # rule and params: records seen, and when
_lock = threading.Lock()


def run_spans(params: RiskLevel, today: date) -> list[Span]:
    return [Span(today - timedelta(days=params.lookback_days), today)]


def dry_spans(params: RiskLevel, start: date, end: date) -> list[Span]:
    return [Span(start, end)]


def _candidates(reading: Reading, since: datetime) -> frozenset[str]:
    s = reading.session
    runs = s.scalars(select(ForecastRun.id).where(
        ForecastRun.created_at >= since, ForecastRun.tlp <= reading.ceiling))  # fmt: skip
    approved = s.scalars(select(RiskAssessment.id).where(
        RiskAssessment.status == Status.APPROVED.value, RiskAssessment.approved_at >= since,
        RiskAssessment.tlp <= reading.ceiling))  # fmt: skip
    return frozenset([*runs, *approved])


def _token(reading: Reading, spec: RuleSpec) -> str:
    return f"{spec.id}:{spec.params.model_dump_json()}:{reading.ceiling}"


def _to_ask(reading: Reading, spec: RuleSpec, since: datetime) -> frozenset[str] | None:
    """None when this process asked about exactly these records for this rule within the
    hour; otherwise the records, to remember once they have been asked about."""
    found = _candidates(reading, since)
    if not reading.remember or spec.id is None:
        return found
    with _lock:
        seen = _asked.get(_token(reading, spec))
    if not found or (seen and seen[0] == found and time.monotonic() - seen[1] < RECHECK_S):
        return None
    return found


def hits(reading: Reading, spec: RuleSpec, spans: list[Span]) -> list[Hit]:
    p = spec.params
    assert isinstance(p, RiskLevel)
    span = Span(min(s.start for s in spans), max(s.end for s in spans))
    since = start_of(span.start)
    records = _to_ask(reading, spec, since)
    if records is None:
        return []
    floor = Level.from_code(p.min_level)
    found = []
    for change in risk_level_changes(reading.session, reading.actor, since):
        day = change.at.date()
        if not span.holds(day) or change.tlp > reading.ceiling:
            continue
        if change.source.value not in p.sources or (p.country and change.country != p.country):
            continue
        if change.after < floor or change.after <= change.before:
            continue
        key = f"{area_key(change.country, change.area)}:{change.source.value}:{change.record_id}"
        found.append(Hit(
            key, change.country, change.area, Span(day, day), int(change.after), "level",
            level_before=change.before.code, level_after=change.after.code,
            source=change.source.value, record_id=change.record_id, changed_at=day,
            extra={"probability": change.probability,
                   "previous_probability": change.previous_probability},
        ))  # fmt: skip
    if reading.remember and spec.id is not None:
        with _lock:
            _asked[_token(reading, spec)] = (records, time.monotonic())
    return found


def events_of(reading: Reading, spec: RuleSpec, hit: Hit) -> tuple[list[str], int]:
    return [], 0  # the record behind it is a forecast run or an assessment, linked as such
