"""When the worker runs the alert rules: at once when the documented data or the rules have
changed, and otherwise every ``INTERVAL_S`` (windows roll over, event data and risk levels
change without touching the case records).

Checking for a change costs a few indexed lookups, so it is done every ``CHECK_S``: the time
from an act being recorded to the alert it raises leaving the outbox stays about a second."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import func, select

from tocsin.alerts.rule_models import AlertRule
from tocsin.alerts.rules.runner import INTERVAL_S, run_rules
from tocsin.cases.statistics import data_version
from tocsin.core.clock import utcnow
from tocsin.core.db import Database

log = logging.getLogger(__name__)
CHECK_S = 0.5


class RuleClock:
    def __init__(self, db: Database, interval_s: float = INTERVAL_S, check_s: float = CHECK_S
                 ) -> None:  # fmt: skip
        self.db, self.interval_s, self.check_s = db, interval_s, check_s
        self._next_run = float("-inf")
        self._next_check = float("-inf")
        self._seen: tuple[Any, ...] | None = None

    def tick(self) -> int:
        """Run the rules if they are due; return how many alerts they raised."""
        now = time.monotonic()
        if now < self._next_run and now < self._next_check:
            return 0
        try:
            with self.db.session() as session:
                self._next_check = now + self.check_s
                version = (*data_version(session),
                           session.scalar(select(func.max(AlertRule.updated_at))))  # fmt: skip
                if now < self._next_run and version == self._seen:
                    return 0
                self._next_run = now + self.interval_s
                raised = run_rules(session, utcnow())
            self._seen = version
        except Exception:
            log.exception("the alert rules did not run; the next turn tries again")
            return 0
        return raised
