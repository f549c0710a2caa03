"""API shapes of commitments and judgements. Codes (actor kind, status, source kind) are plain
text here and checked by the service, so each problem names its field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tocsin.cases.schemas import LongText, Strict, TLPLabel

ShortId = Annotated[str, Field(max_length=36)]
IdList = Annotated[list[ShortId], Field(max_length=200)]
Indicator = Annotated[str, Field(max_length=500)]
Indicators = Annotated[list[Indicator], Field(max_length=50)]
# Web addresses: the service checks their scheme, naming the one refused (urls[2]).
Urls = Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)]


class CommitmentCreate(Strict):
    actor_name: Annotated[str, Field(max_length=300)]
    actor_kind: Annotated[str, Field(max_length=40)] = "state"
    action: Annotated[str, Field(max_length=20_000)] = ""  # the source paragraph's, if empty
    node_id: Annotated[str | None, Field(max_length=500)] = None  # a library id or reference
    document_title: Annotated[str, Field(max_length=500)] = ""  # when there is no node
    made_on: date | None = None
    due_on: date | None = None
    indicators: Indicators = []
    # None: the source document's level (at least GREEN); never wider than that document's
    tlp: TLPLabel | None = None
    country: Annotated[str | None, Field(max_length=3)] = None


class CommitmentUpdate(Strict):
    """Fields left out stay as they are; ``null`` clears an optional one."""

    actor_name: Annotated[str | None, Field(max_length=300)] = None
    actor_kind: Annotated[str | None, Field(max_length=40)] = None
    action: Annotated[str | None, Field(max_length=20_000)] = None
    node_id: Annotated[str | None, Field(max_length=500)] = None
    document_title: Annotated[str | None, Field(max_length=500)] = None
    made_on: date | None = None
    due_on: date | None = None
    indicators: Indicators | None = None
    tlp: TLPLabel | None = None
    country: Annotated[str | None, Field(max_length=3)] = None


class JudgementCreate(Strict):
    status: Annotated[str, Field(max_length=20)]
    as_of: date
    source: Annotated[str, Field(max_length=500)]
    source_kind: Annotated[str, Field(max_length=20)]
    event_ids: IdList = []
    evidence_ids: IdList = []
    urls: Urls = []
    indicators: Indicators = []
    note: LongText = ""


class JudgementPublic(BaseModel):
    id: str
    commitment_id: str
    status: str
    as_of: date
    source: str
    source_kind: str
    event_ids: list[str]  # only those the reader may see
    evidence_ids: list[str]
    hidden_records: int  # cited records above the reader's clearance, counted, not named
    urls: list[str]
    indicators: list[str]
    note: str
    judged_by: str
    recorded_at: datetime


class SourceParagraph(BaseModel):
    node_id: str
    reference: str
    label: str
    text: str
    current: bool
    document_slug: str
    document_title: str


class CommitmentSummary(BaseModel):
    id: str
    actor_name: str
    actor_kind: str
    action: str  # "" when withheld
    action_withheld: bool  # it is the text of a library paragraph the reader may not see
    document_id: str | None
    document_key: str  # the library slug, or the free title: what the `document` filter takes
    document_title: str
    reference: str | None  # the source paragraph's, when the reader may see it
    made_on: date | None
    due_on: date | None
    country: str | None
    tlp: str
    status: str | None  # the latest judgement's; None when nobody has judged it yet
    status_as_of: date | None
    overdue: bool  # past its due date and not implemented
    last_judgement: JudgementPublic | None


class CommitmentPublic(CommitmentSummary):
    node_id: str | None
    source: SourceParagraph | None  # None when there is none or it is above the reader's sight
    source_hidden: bool
    indicators: list[str]
    judgements: list[JudgementPublic]  # newest first, in the current-status order
    created_by: str | None
    created_at: datetime
    updated_by: str | None
    updated_at: datetime


class CommitmentFilters(BaseModel):
    """The filters of the list, the dashboard and the report (the pages' query parameters)."""

    model_config = ConfigDict(extra="ignore")

    actor: Annotated[str | None, Field(max_length=300)] = None  # actor name, exactly
    actor_kind: Annotated[str | None, Field(max_length=40)] = None
    document: Annotated[str | None, Field(max_length=500)] = None  # slug, id or free title
    country: Annotated[str | None, Field(max_length=3)] = None
    status: Annotated[str | None, Field(max_length=20)] = None  # a status, "none" or "overdue"
    q: Annotated[str | None, Field(max_length=200)] = None  # words of the action


class StatusCounts(BaseModel):
    key: str  # the actor name or the document key
    title: str
    total: int
    counts: dict[str, int]  # status (and "none") -> commitments
    implemented_share: float  # 0..1 of all, judged or not
    overdue: int
    no_judgement: int


class Dashboard(BaseModel):
    filters: CommitmentFilters
    as_of: date
    total: StatusCounts
    by_actor: list[StatusCounts]
    by_document: list[StatusCounts]
    commitments: list[CommitmentSummary]
