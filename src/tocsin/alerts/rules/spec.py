"""A rule as the evaluators read it (saved or not), what they return, and what they may use.

Evaluators never see storage rows or the person asking: a ``RuleSpec`` is the rule's data, and
``Reading`` holds the session, the highest sharing level that may be counted and the actor whose
reads the risk functions record. That keeps a dry run of an unsaved rule and the worker's run of
a saved one on one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tocsin.alerts.rules.params import Common
from tocsin.alerts.rules.windows import Span
from tocsin.alerts.vocab import RuleKind
from tocsin.core.access import Actor


@dataclass(frozen=True)
class RuleSpec:
    id: str | None
    name: str
    kind: RuleKind
    params: Common
    category: str
    severity: str
    urgency: str
    certainty: str
    tlp: int
    escalation_chain_id: str | None
    created_by: str | None


@dataclass
class Reading:
    session: Session
    ceiling: int  # count records at this sharing level and below, never above
    actor: Actor  # whose reads of protected assessments are audited (risk level rules)
    events_path: Path  # the event-data file (event spike rules)
    now: datetime
    remember: bool = False  # the worker's runs: skip a question already answered (risk_rules)
    memo: dict[str, Any] = field(default_factory=dict)  # per-call caches (vocabulary, ...)


@dataclass(frozen=True)
class Hit:
    """One finding before it is put into words: a place, a window and the figures."""

    key: str
    country: str | None
    admin_area: str | None
    span: Span
    count: int
    measure: str
    threshold: int | None = None
    baseline_mean: float | None = None
    baseline_windows: int | None = None
    expected: float | None = None
    ratio: float | None = None
    p_value: float | None = None
    fatalities: int | None = None
    level_before: str | None = None
    level_after: str | None = None
    source: str | None = None  # risk level: forecast or assessment
    record_id: str | None = None  # risk level: the run or assessment that changed the level
    changed_at: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def area_key(country: str | None, *parts: str | None) -> str:
    """A place as keys and firings name it: ``XQ`` or ``XQ/Ashtar Highlands``."""
    return "/".join([country or "-", *[p or "-" for p in parts]])
