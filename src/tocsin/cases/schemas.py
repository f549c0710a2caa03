"""API shapes. ``*Public`` is the only shape a route returns; storage rows never leave directly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from tocsin.cases.dates import parse_fuzzy
from tocsin.core.countries import check_country
from tocsin.core.errors import TocsinError
from tocsin.core.tlp import TLP


def _tlp(value: str) -> str:
    try:
        return TLP.parse(value).label
    except TocsinError as exc:
        raise ValueError(exc.errors[0].message if exc.errors else exc.detail) from None


def _fuzzy(value: str) -> str:
    try:
        parse_fuzzy(value, "date")
    except TocsinError as exc:
        raise ValueError(exc.errors[0].message) from None
    return value.strip()


def _country(value: str | None) -> str | None:
    try:
        return check_country(value)
    except TocsinError as exc:
        raise ValueError(exc.errors[0].message) from None


def _web_address(value: str | None) -> str | None:
    # A stored link is shown as a link: only web addresses, never javascript: or data:.
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be a web address starting with http:// or https://")
    return value or None


TLPLabel = Annotated[str, AfterValidator(_tlp)]
WebAddress = Annotated[str | None, Field(max_length=2000), AfterValidator(_web_address)]
FuzzyDateText = Annotated[str, Field(max_length=11), AfterValidator(_fuzzy)]
CountryCode = Annotated[str | None, AfterValidator(_country)]
Code = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
ShortText = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=100_000)]


class Strict(BaseModel):
    """Every input shape: unknown fields refused, text trimmed.

    NUL characters (which PostgreSQL cannot store) are refused before input reaches a model:
    by the API for request bodies and addresses, by the import reader for files.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlaceIn(Strict):
    name: ShortText | None = None
    country: CountryCode = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    lat: Annotated[float | None, Field(ge=-90, le=90)] = None
    lon: Annotated[float | None, Field(ge=-180, le=180)] = None

    @model_validator(mode="after")
    def _both_coordinates(self) -> PlaceIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class PlacePublic(BaseModel):
    name: str | None
    country: str | None
    admin_area: str | None
    lat: float | None
    lon: float | None


# ---- events ---------------------------------------------------------------------------------


class EventCreate(Strict):
    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: LongText = ""
    start: FuzzyDateText
    end: FuzzyDateText | None = None
    place: PlaceIn = PlaceIn()
    status: Code = "reported"
    tlp: TLPLabel = "AMBER"


class EventUpdate(Strict):
    title: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    description: LongText | None = None
    start: FuzzyDateText | None = None
    end: FuzzyDateText | None = None
    place: PlaceIn | None = None
    tlp: TLPLabel | None = None


class StatusChangeIn(Strict):
    status: Code
    reason: Annotated[str, Field(min_length=3, max_length=5000)]


class StatusChangePublic(BaseModel):
    from_status: str | None
    to_status: str
    reason: str
    changed_by: str | None
    changed_at: datetime


class EventSummary(BaseModel):
    id: str
    title: str
    start: str | None
    end: str | None
    start_date: date | None
    end_date: date | None
    place: PlacePublic
    status: str
    tlp: str
    act_types: list[str] = []
    victim_count: int = 0
    created_at: datetime
    updated_at: datetime


class EventPublic(EventSummary):
    description: str
    acts: list[ActPublic] = []
    status_history: list[StatusChangePublic] = []
    source_ids: list[str] = []
    intervention_ids: list[str] = []


# ---- acts -------------------------------------------------------------------------------------


class PerpetratorIn(Strict):
    organisation_id: str | None = None
    person_id: str | None = None
    involvement: Code = "direct"

    @model_validator(mode="after")
    def _one_perpetrator(self) -> PerpetratorIn:
        if (self.organisation_id is None) == (self.person_id is None):
            raise ValueError("give exactly one of organisation_id or person_id")
        return self


class PerpetratorPublic(BaseModel):
    organisation_id: str | None
    person_id: str | None
    involvement: str


class ActCreate(Strict):
    act_type: Code
    start: FuzzyDateText | None = None
    end: FuzzyDateText | None = None
    place: PlaceIn | None = None
    victim_person_id: str | None = None
    victim_group: Annotated[str | None, Field(max_length=200)] = None
    victim_count: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    perpetrators: list[PerpetratorIn] = []
    description: LongText = ""
    tlp: TLPLabel | None = None

    @model_validator(mode="after")
    def _victim(self) -> ActCreate:
        if self.victim_person_id and self.victim_group:
            raise ValueError("a victim is either a person (victim_person_id) or a group, not both")
        return self


class ActUpdate(Strict):
    act_type: Code | None = None
    start: FuzzyDateText | None = None
    end: FuzzyDateText | None = None
    place: PlaceIn | None = None
    victim_person_id: str | None = None
    victim_group: Annotated[str | None, Field(max_length=200)] = None
    victim_count: Annotated[int | None, Field(ge=1, le=10_000_000)] = None
    perpetrators: list[PerpetratorIn] | None = None
    description: LongText | None = None
    tlp: TLPLabel | None = None


class ActPublic(BaseModel):
    id: str
    event_id: str
    act_type: str
    start: str | None
    end: str | None
    place: PlacePublic
    victim_person_id: str | None
    victim_group: str | None
    victim_count: int
    perpetrators: list[PerpetratorPublic]
    description: str
    tlp: str
    source_ids: list[str] = []


# ---- persons ----------------------------------------------------------------------------------


class NameIn(Strict):
    value: Annotated[str, Field(min_length=1, max_length=300)]
    script: Annotated[str, Field(pattern=r"^[A-Z][a-z]{3}$")] = "Latn"
    kind: Code = "full"
    language: Annotated[str | None, Field(max_length=8)] = None


class NamePublic(BaseModel):
    value: str
    script: str
    kind: str
    language: str | None


class PersonCreate(Strict):
    names: Annotated[list[NameIn], Field(min_length=1, max_length=50)]
    sex: Code | None = None
    age: Annotated[int | None, Field(ge=0, le=130)] = None
    age_min: Annotated[int | None, Field(ge=0, le=130)] = None
    age_max: Annotated[int | None, Field(ge=0, le=130)] = None
    birth_date: FuzzyDateText | None = None
    nationality: CountryCode = None
    identities: dict[Code, Annotated[str, Field(max_length=200)]] = {}
    contact: dict[Code, Annotated[str, Field(max_length=500)]] = {}
    roles: list[Code] = []
    notes: LongText | None = None
    tlp: TLPLabel = "RED"

    @model_validator(mode="after")
    def _age_range(self) -> PersonCreate:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min is greater than age_max")
        return self


class PersonUpdate(Strict):
    names: Annotated[list[NameIn] | None, Field(min_length=1, max_length=50)] = None
    sex: Code | None = None
    age: Annotated[int | None, Field(ge=0, le=130)] = None
    age_min: Annotated[int | None, Field(ge=0, le=130)] = None
    age_max: Annotated[int | None, Field(ge=0, le=130)] = None
    birth_date: FuzzyDateText | None = None
    nationality: CountryCode = None
    identities: dict[Code, Annotated[str, Field(max_length=200)]] | None = None
    contact: dict[Code, Annotated[str, Field(max_length=500)]] | None = None
    roles: list[Code] | None = None
    notes: LongText | None = None
    tlp: TLPLabel | None = None


class Appearance(BaseModel):
    """Where a person appears in the record: an act, and in which part."""

    event_id: str
    act_id: str
    act_type: str
    part: str  # "victim" or "perpetrator"
    involvement: str | None = None


class PersonPublic(BaseModel):
    id: str
    names: list[NamePublic]
    redacted: bool = False
    sex: str | None
    age: int | None
    age_min: int | None
    age_max: int | None
    birth_date: str | None
    nationality: str | None
    identities: dict[str, Any]
    contact: dict[str, Any]
    roles: list[str]
    notes: str | None
    tlp: str
    consent: ConsentState | None = None
    appears_in: list[Appearance] = []
    created_at: datetime
    updated_at: datetime


# ---- organisations ----------------------------------------------------------------------------


class OrganisationCreate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Code
    parent_id: str | None = None
    country: CountryCode = None
    aliases: list[Annotated[str, Field(max_length=300)]] = []
    description: LongText = ""
    tlp: TLPLabel = "GREEN"


class OrganisationUpdate(Strict):
    name: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    kind: Code | None = None
    parent_id: str | None = None
    country: CountryCode = None
    aliases: list[Annotated[str, Field(max_length=300)]] | None = None
    description: LongText | None = None
    tlp: TLPLabel | None = None


class OrganisationPublic(BaseModel):
    id: str
    name: str
    kind: str
    parent_id: str | None
    country: str | None
    aliases: list[str]
    description: str
    tlp: str
    created_at: datetime
    updated_at: datetime


# ---- sources ----------------------------------------------------------------------------------

Reliability = Annotated[str, Field(pattern=r"^[A-Fa-f]$")]
Credibility = Annotated[int, Field(ge=1, le=6)]


class SourceCreate(Strict):
    title: Annotated[str, Field(min_length=1, max_length=500)]
    source_type: Code
    reliability: Reliability = "F"
    credibility: Credibility = 6
    description: LongText = ""
    url: WebAddress = None
    obtained_on: date | None = None
    person_id: str | None = None
    repeats_id: Annotated[str | None, Field(max_length=36)] = None  # the source this one repeats
    tlp: TLPLabel = "AMBER"


class SourceUpdate(Strict):
    title: Annotated[str | None, Field(min_length=1, max_length=500)] = None
    source_type: Code | None = None
    reliability: Reliability | None = None
    credibility: Credibility | None = None
    description: LongText | None = None
    url: WebAddress = None
    obtained_on: date | None = None
    person_id: str | None = None
    repeats_id: Annotated[str | None, Field(max_length=36)] = None
    tlp: TLPLabel | None = None


class SourceLinkIn(Strict):
    target_type: Annotated[str, Field(pattern=r"^(event|act|person|organisation|intervention)$")]
    target_id: Annotated[str, Field(min_length=1, max_length=36)]
    note: Annotated[str, Field(max_length=2000)] = ""


class SourceLinkPublic(BaseModel):
    source_id: str
    target_type: str
    target_id: str
    note: str


class SourcePublic(BaseModel):
    id: str
    title: str
    source_type: str
    reliability: str
    credibility: int
    grade: str
    description: str
    url: str | None
    obtained_on: date | None
    person_id: str | None
    repeats_id: str | None = None  # not independent of that source
    tlp: str
    links: list[SourceLinkPublic] = []
    created_at: datetime
    updated_at: datetime


# ---- consent ----------------------------------------------------------------------------------


class ConsentCreate(Strict):
    person_id: str
    use_in_case_file: bool = True
    share_with: list[Code] = []
    given_on: date
    recorded_how: Code
    notes: LongText | None = None
    tlp: TLPLabel = "RED"


class ConsentWithdrawIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=5000)]


class ConsentPublic(BaseModel):
    id: str
    person_id: str
    use_in_case_file: bool
    share_with: list[str]
    given_on: date
    recorded_how: str
    recorded_by: str | None
    notes: str | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    active: bool
    tlp: str
    created_at: datetime


class ConsentState(BaseModel):
    """What a person currently allows, summarised from their latest consent record."""

    consent_id: str | None
    use_in_case_file: bool
    share_with: list[str]
    withdrawn: bool


# ---- interventions ------------------------------------------------------------------------------


class InterventionCreate(Strict):
    event_id: str | None = None
    person_id: str | None = None
    intervention_type: Code
    status: Code = "planned"
    on_date: date | None = None
    actor: Annotated[str, Field(max_length=300)] = ""
    description: LongText = ""
    outcome: LongText = ""
    tlp: TLPLabel = "AMBER"

    @model_validator(mode="after")
    def _target(self) -> InterventionCreate:
        if not self.event_id and not self.person_id:
            raise ValueError("give event_id, person_id or both")
        return self


class InterventionUpdate(Strict):
    intervention_type: Code | None = None
    status: Code | None = None
    on_date: date | None = None
    actor: Annotated[str | None, Field(max_length=300)] = None
    description: LongText | None = None
    outcome: LongText | None = None
    tlp: TLPLabel | None = None


class InterventionPublic(BaseModel):
    id: str
    event_id: str | None
    person_id: str | None
    intervention_type: str
    status: str
    on_date: date | None
    actor: str
    description: str
    outcome: str
    tlp: str
    created_at: datetime
    updated_at: datetime


# ---- pages ------------------------------------------------------------------------------------

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int  # counted up to 10,000; see total_exact
    total_exact: bool = True  # false when there are more matches than total says
    page: int
    page_size: int


EventPublic.model_rebuild()
PersonPublic.model_rebuild()
