"""Dry runs: a rule, saved or not, replayed over a past period window by window, showing the
alerts it would have raised. It needs the ALERT permission, counts only records at or below both
the rule's sharing level and the reader's clearance, and writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from tocsin.alerts.rules.findings import Progress, replay
from tocsin.alerts.rules.kinds import KINDS
from tocsin.alerts.rules.schemas import DryRunPublic, Finding, RuleCreate
from tocsin.alerts.rules.service import checked_spec, load, spec_of
from tocsin.alerts.rules.spec import Reading
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.settings import get_settings
from tocsin.core.tlp import TLP
from tocsin.risk.events.store import default_path

MAX_DAYS = 3700  # about ten years


def _period(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.on("to", "must not be before the start of the period")
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed.on("to", f"a dry run covers at most {MAX_DAYS} days")


def dry_run(
    session: Session,
    actor: Actor,
    rule_or_spec: str | RuleCreate,
    start: date,
    end: date,
    *,
    events_path: Path | None = None,
    progress: Progress | None = None,
) -> list[Finding]:
    """What the rule (a saved rule's id, or an unsaved one) would have fired from ``start`` to
    ``end``, window by window, counting only records at or below both the rule's sharing level
    and the actor's clearance. Nothing is written. ``events_path``: the event-data file (default:
    the one in the settings); ``progress(done, total)`` counts the windows replayed."""
    return dry_run_report(session, actor, rule_or_spec, start, end, events_path=events_path,
                          progress=progress).findings  # fmt: skip


def dry_run_report(
    session: Session,
    actor: Actor,
    rule_or_spec: str | RuleCreate,
    start: date,
    end: date,
    *,
    events_path: Path | None = None,
    progress: Progress | None = None,
) -> DryRunPublic:
    actor.require(Permission.ALERT)
    if isinstance(rule_or_spec, str):
        spec = spec_of(load(session, actor, rule_or_spec))
    else:
        spec = checked_spec(session, actor, rule_or_spec, with_owner=False)
    _period(start, end)
    ceiling = min(spec.tlp, int(actor.clearance))
    path = events_path or default_path(get_settings())
    reading = Reading(session, ceiling, actor, path, utcnow())
    spans = KINDS[spec.kind].dry_spans(spec.params, start, end)
    findings = replay(reading, spec, spans, progress)
    return DryRunPublic(rule_id=spec.id, start=start, end=end, windows=len(spans),
                        counted_tlp=TLP(ceiling).label, findings=findings)  # fmt: skip
