"""API shapes of alert rules: what is sent to make or change one, what is shown of one, of its
firings, and of a dry run. ``params`` stays a plain object here and is checked per kind by the
service (``params.py``), so a problem names ``params.<field>``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tocsin.alerts.vocab import Category, Certainty, RuleKind, Severity, Urgency
from tocsin.cases.schemas import Strict, TLPLabel

Name = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=36)]


class RuleCreate(Strict):
    name: Name
    kind: RuleKind
    params: dict[str, Any] = {}
    category: Category
    severity: Severity
    urgency: Urgency
    certainty: Certainty
    tlp: TLPLabel = "AMBER"  # of the alerts raised, and the highest level of what is counted
    enabled: bool = True
    escalation_chain_id: Id | None = None


class RuleUpdate(Strict):
    """Fields left out stay as they are; ``params`` replaces the whole set."""

    name: Name | None = None
    kind: RuleKind | None = None
    params: dict[str, Any] | None = None
    category: Category | None = None
    severity: Severity | None = None
    urgency: Urgency | None = None
    certainty: Certainty | None = None
    tlp: TLPLabel | None = None
    enabled: bool | None = None
    escalation_chain_id: Id | None = None


class RulePublic(BaseModel):
    id: str
    name: str
    kind: str
    params: dict[str, Any]
    category: str
    severity: str
    urgency: str
    certainty: str
    tlp: str
    enabled: bool
    escalation_chain_id: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    firings: int
    last_fired_at: datetime | None


class FiringPublic(BaseModel):
    id: str
    rule_id: str
    key: str
    alert_id: str | None
    fired_at: datetime
    detail: dict[str, Any]


class Finding(BaseModel):
    """What a rule found in one window for one place: the alert it raises, or would raise."""

    rule_id: str | None  # None: an unsaved rule tried in the editor
    kind: str
    key: str  # names the rule's finding: the same window and place always give the same key
    country: str | None
    admin_area: str | None
    area: str  # the place in words
    window_start: date
    window_end: date
    count: int  # acts, victims or events in the window; for a risk level, the new level's rank
    measure: str  # acts, victims, events, level
    threshold: int | None = None
    baseline_mean: float | None = None  # per window, over the baseline windows
    baseline_windows: int | None = None
    ratio: float | None = None  # count / the baseline rate tested
    p_value: float | None = None  # P(X >= count), X ~ Poisson(baseline rate)
    level_before: str | None = None
    level_after: str | None = None
    source: str | None = None  # risk level: "forecast" or "assessment"
    record_id: str | None = None  # risk level: the forecast run or assessment behind it
    events: int = 0  # documented events behind it, within the sharing level counted
    event_ids: list[str] = []  # up to 200 of them
    title: str
    description: str
    tlp: str  # the level counted, and of the alert
    already_fired: bool = False


class DryRunIn(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")


class SpecDryRunIn(DryRunIn):
    """An unsaved rule, tried before it is saved."""

    rule: RuleCreate


class DryRunPublic(BaseModel):
    rule_id: str | None
    start: date
    end: date
    windows: int  # how many windows were replayed
    counted_tlp: str  # records at this level and below were counted (yours and the rule's)
    findings: list[Finding]
