"""The worker's side of the rules: every enabled rule, for the window now running and the one
before it (reports of last week's acts keep arriving this week), raises one alert per new
finding. A rule that fails is logged and rolled back on its own; the others still run."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.alerts.rule_models import AlertRule
from tocsin.alerts.rules.findings import finding, fired_keys
from tocsin.alerts.rules.firing import fire, owner_of
from tocsin.alerts.rules.kinds import KINDS
from tocsin.alerts.rules.service import spec_of
from tocsin.alerts.rules.spec import Reading
from tocsin.core.errors import TocsinError
from tocsin.core.settings import get_settings
from tocsin.risk.events.store import default_path

log = logging.getLogger(__name__)
# How often the worker should call run_rules: a rule's smallest window is a day, so a minute
# loses nothing that matters and keeps the grouped counts off the database's back.
INTERVAL_S = 60.0


def run_rules(session: Session, now: datetime, events_path: Path | None = None) -> int:
    """Evaluate the enabled rules as of ``now``; returns how many alerts were raised. The
    caller commits. ``events_path``: the event-data file (default: the one in the settings)."""
    path = events_path or default_path(get_settings())
    ids = list(session.scalars(
        select(AlertRule.id).where(AlertRule.enabled.is_(True))
        .order_by(AlertRule.created_at, AlertRule.id)
    ))  # fmt: skip
    raised = 0
    for rule_id in ids:
        try:
            with session.begin_nested():
                raised += run_rule(session, rule_id, now, path)
        except TocsinError as exc:
            log.warning("alert rule %s did not run: %s", rule_id, exc.detail)
        except Exception:  # one rule's failure must not stop the others
            log.exception("alert rule %s failed; the other rules still run", rule_id)
    return raised


def run_rule(session: Session, rule_id: str, now: datetime, events_path: Path) -> int:
    rule = session.get(AlertRule, rule_id)
    if rule is None or not rule.enabled:
        return 0
    spec = spec_of(rule)
    owner = owner_of(session, spec)
    reading = Reading(session, spec.tlp, owner, events_path, now, remember=True)
    kind = KINDS[spec.kind]
    hits = kind.hits(reading, spec, kind.run_spans(spec.params, now.date()))
    done = fired_keys(reading, spec.id, [h.key for h in hits])
    raised = 0
    for hit in hits:
        if hit.key not in done and fire(session, spec, finding(reading, spec, hit), owner, now):
            raised += 1
    return raised
