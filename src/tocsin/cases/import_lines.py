"""The shapes of import lines (docs/formats.md) as Pydantic models, so every error names its field.

They reuse the API shapes in ``schemas`` where the two agree; where the file format differs (it
links records by ``ref``, the API by id) the line model says so itself.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from tocsin.cases.schemas import (
    Code,
    CountryCode,
    Credibility,
    EventCreate,
    FuzzyDateText,
    LongText,
    PersonCreate,
    PlaceIn,
    Reliability,
    ShortText,
    Strict,
    TLPLabel,
)

Ref = Annotated[str, Field(min_length=1, max_length=200)]
Identities = dict[Code, Annotated[str, Field(max_length=200)]]
Contact = dict[Code, Annotated[str, Field(max_length=500)]]
KINDS = ("event", "person", "organisation", "source")


# Defaults below are factories: Pydantic deep-copies a literal [] or {} default for every
# instance, which is measurable at import rates of thousands of lines a second.


class ReaderChecked(Strict):
    """A line model; the import reader has already refused lines holding NUL characters
    (``import_read.decode_json`` and the CSV cells)."""


class ConsentLine(ReaderChecked):
    use_in_case_file: bool = True
    share_with: list[Code] = Field(default_factory=list)
    given_on: date
    recorded_how: Code
    notes: LongText | None = None
    tlp: TLPLabel = "RED"


class PersonLine(ReaderChecked, PersonCreate):
    type: Literal["person"] = "person"
    ref: Ref | None = None
    identities: Identities = Field(default_factory=dict)
    contact: Contact = Field(default_factory=dict)
    roles: list[Code] = Field(default_factory=list)
    consent: ConsentLine | None = None


class OrganisationLine(ReaderChecked):
    type: Literal["organisation"] = "organisation"
    ref: Ref | None = None
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Code
    parent: Ref | None = None
    country: CountryCode = None
    aliases: list[ShortText] = Field(default_factory=list)
    description: LongText = ""
    tlp: TLPLabel = "GREEN"


class SourceLine(ReaderChecked):
    type: Literal["source"] = "source"
    ref: Ref | None = None
    title: Annotated[str, Field(min_length=1, max_length=500)]
    source_type: Code
    reliability: Reliability = "F"
    credibility: Credibility = 6
    url: Annotated[str | None, Field(max_length=2000)] = None
    obtained_on: date | None = None
    person: Ref | None = None
    description: LongText = ""
    tlp: TLPLabel = "AMBER"


class VictimLine(ReaderChecked):
    person: Ref | None = None
    group: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    count: Annotated[int, Field(ge=1, le=10_000_000)] = 1

    @model_validator(mode="after")
    def _one_victim(self) -> VictimLine:
        if (self.person is None) == (self.group is None):
            raise ValueError("give either person (a ref) or group (a label)")
        if self.person is not None and self.count != 1:
            raise ValueError("count is for a group; a person victim counts once")
        return self


class PerpetratorLine(ReaderChecked):
    organisation: Ref | None = None
    person: Ref | None = None
    involvement: Code = "direct"

    @model_validator(mode="after")
    def _one_perpetrator(self) -> PerpetratorLine:
        if (self.organisation is None) == (self.person is None):
            raise ValueError("give exactly one of organisation or person (a ref)")
        return self


class ActLine(ReaderChecked):
    act_type: Code
    start: FuzzyDateText | None = None
    end: FuzzyDateText | None = None
    place: PlaceIn | None = None
    victim: VictimLine | None = None
    perpetrators: list[PerpetratorLine] = Field(default_factory=list)
    description: LongText = ""
    sources: list[Ref] = Field(default_factory=list)
    tlp: TLPLabel | None = None


class InterventionLine(ReaderChecked):
    type: Code
    on: date | None = None
    status: Code = "planned"
    actor: Annotated[str, Field(max_length=300)] = ""
    description: LongText = ""
    outcome: LongText = ""
    tlp: TLPLabel | None = None


class EventLine(ReaderChecked, EventCreate):
    type: Literal["event"] = "event"
    ref: Ref | None = None
    place: PlaceIn = Field(default_factory=PlaceIn)
    persons: list[PersonLine] = Field(default_factory=list)
    organisations: list[OrganisationLine] = Field(default_factory=list)
    sources: list[SourceLine] = Field(default_factory=list)
    acts: list[ActLine] = Field(default_factory=list)
    source_refs: list[Ref] = Field(default_factory=list)
    interventions: list[InterventionLine] = Field(default_factory=list)


Line = EventLine | PersonLine | OrganisationLine | SourceLine
LINE_MODELS: dict[str, type[BaseModel]] = {
    "event": EventLine,
    "person": PersonLine,
    "organisation": OrganisationLine,
    "source": SourceLine,
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("acts", 0, "victim")`` -> ``acts[0].victim``: the way the format doc names fields."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: Any) -> str:
    msg = str(error["msg"])
    # Our own validators raise ValueError; Pydantic prefixes it, which reads as noise in a report.
    return msg.removeprefix("Value error, ")


def problems_of(exc: ValidationError) -> list[tuple[str, str]]:
    return [(field_path(tuple(e["loc"])), _message(e)) for e in exc.errors(include_url=False)]


def parse_line(data: Any) -> Line | list[tuple[str, str]]:
    """A decoded line as a line model, or the (field, message) problems that stop it.

    ``data`` comes from the import reader, which has refused text holding NUL characters.
    """
    if not isinstance(data, dict):
        return [("", "each line must be a JSON object")]
    kind = data.get("type", "event")
    model = LINE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return [("type", f"unknown type {kind!r}; use one of {', '.join(KINDS)}")]
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        return problems_of(exc)
