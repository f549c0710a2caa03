"""API shapes of alerts. ``AlertPublic`` and ``AlertSummary`` are the only shapes a route
returns; the words (severity, category, action kinds...) come from ``tocsin.alerts.vocab``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from tocsin.alerts.vocab import ActionKind, Category, Certainty, Severity, Urgency
from tocsin.cases.schemas import CountryCode, Strict, TLPLabel

Id = Annotated[str, Field(min_length=1, max_length=36)]
IdList = Annotated[list[Id], Field(max_length=200)]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Description = Annotated[str, Field(max_length=20_000)]
Instruction = Annotated[str, Field(max_length=10_000)]
AdminArea = Annotated[str | None, Field(max_length=200)]
# RFC 5646 as CAP <language> takes it: "en", "fr", "ar", "en-GB".
Language = Annotated[str, Field(max_length=10, pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$")]
Reason = Annotated[str, Field(max_length=2000)]
MAX_POINTS = 1000


def _closed_ring(points: list[tuple[float, float]] | None) -> list[tuple[float, float]] | None:
    """A polygon closed as CAP wants (first point repeated last), with three corners at least.
    Coordinates keep six decimals (about 10 cm), all that CAP output writes."""
    if points is None:
        return None
    for lat, lon in points:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"({lat}, {lon}) is not a latitude and longitude")
    points = [(round(lat, 6), round(lon, 6)) for lat, lon in points]
    if points and points[0] != points[-1]:
        points = [*points, points[0]]
    if len(set(points)) < 3:
        raise ValueError("a polygon needs at least three distinct corners")
    return points


Polygon = Annotated[
    list[tuple[float, float]] | None,
    Field(max_length=MAX_POINTS),
    AfterValidator(_closed_ring),
]


class LinksIn(Strict):
    """The records behind an alert; each must exist and be within the author's clearance."""

    event_ids: IdList = []
    act_ids: IdList = []
    assessment_ids: IdList = []
    evidence_ids: IdList = []
    forecast_run_ids: IdList = []


class AlertCreate(Strict):
    title: Title
    description: Description = ""
    instruction: Instruction = ""
    severity: Severity
    urgency: Urgency
    certainty: Certainty
    category: Category
    language: Language = "en"
    country: CountryCode = None
    admin_area: AdminArea = None
    polygon: Polygon = None
    tlp: TLPLabel = "AMBER"
    expires_at: AwareDatetime | None = None
    links: LinksIn = LinksIn()
    recipients: IdList = []  # user ids; only a RED alert names its recipients


class AlertUpdate(Strict):
    """Fields left out stay as they are; ``links`` and ``recipients`` replace the whole list."""

    title: Title | None = None
    description: Description | None = None
    instruction: Instruction | None = None
    severity: Severity | None = None
    urgency: Urgency | None = None
    certainty: Certainty | None = None
    category: Category | None = None
    language: Language | None = None
    country: CountryCode = None
    admin_area: AdminArea = None
    polygon: Polygon = None
    tlp: TLPLabel | None = None
    expires_at: AwareDatetime | None = None
    links: LinksIn | None = None
    recipients: IdList | None = None


class AlertRevise(AlertUpdate):
    """A change to an issued alert: a new CAP version (msgType Update) that says why."""

    reason: Reason = ""


class IssueIn(Strict):
    """Deadlines in minutes from issue; left out, they follow the alert's urgency."""

    ack_minutes: Annotated[int | None, Field(ge=1, le=7 * 24 * 60)] = None
    act_minutes: Annotated[int | None, Field(ge=1, le=30 * 24 * 60)] = None
    owner_id: Id | None = None  # the person answerable for it; the issuer by default
    escalation_chain_id: Id | None = None


class ReasonIn(Strict):
    reason: Reason = ""


class ActionIn(Strict):
    kind: ActionKind
    note: Annotated[str, Field(max_length=10_000)] = ""
    taken_at: AwareDatetime | None = None  # now, by default


class LinksPublic(BaseModel):
    event_ids: list[str]  # only the records the reader may see
    act_ids: list[str]
    assessment_ids: list[str]
    evidence_ids: list[str]
    forecast_run_ids: list[str]
    hidden: int  # records behind the alert above the reader's clearance, counted, not named


class RecipientPublic(BaseModel):
    id: str
    email: str


class ActionPublic(BaseModel):
    id: str
    kind: str
    note: str
    taken_at: datetime
    taken_by: str | None


class ChangePublic(BaseModel):
    from_state: str | None
    to_state: str
    version: int
    by: str | None
    at: datetime
    reason: str | None
    event: str  # drafted, issued, updated, cancelled, closed, acknowledged, action


class Timings(BaseModel):
    """How fast a report became an alert and the alert became action, in seconds."""

    report_to_issue_s: float | None
    issue_to_ack_s: float | None
    issue_to_action_s: float | None
    report_to_action_s: float | None


class AlertSummary(BaseModel):
    id: str
    identifier: str
    version: int
    state: str
    msg_type: str | None  # the CAP msgType of the current version; None for a draft
    title: str
    severity: str
    urgency: str
    certainty: str
    category: str
    language: str
    country: str | None
    admin_area: str | None
    tlp: str
    owner_id: str | None
    issued_at: datetime | None
    sent_at: datetime | None  # when the current version went out
    ack_deadline: datetime | None
    act_deadline: datetime | None
    acknowledged_at: datetime | None
    first_action_at: datetime | None
    timings: Timings
    created_by: str | None
    created_at: datetime


class AlertPublic(AlertSummary):
    description: str
    instruction: str
    polygon: list[tuple[float, float]] | None
    source: str
    rule_id: str | None
    escalation_chain_id: str | None
    escalation_level: int
    acknowledged_by: str | None
    first_report_at: datetime | None
    closed_at: datetime | None
    expires_at: datetime | None
    references: list[str]  # "identifier,version,sent" of each earlier version
    recipients: list[RecipientPublic]
    links: LinksPublic
    actions: list[ActionPublic]
    history: list[ChangePublic]
    updated_at: datetime
