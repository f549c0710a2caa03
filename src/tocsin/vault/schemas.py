"""API shapes of the evidence vault. ``*Public`` is the only shape a route returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from tocsin.cases.schemas import (
    Code,
    LongText,
    PlaceIn,
    PlacePublic,
    ShortText,
    Strict,
    TLPLabel,
    WebAddress,
)

MediaType = Annotated[
    str, Field(max_length=200, pattern=r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*$")
]
FileName = Annotated[str, Field(min_length=1, max_length=500)]


class EvidenceCreate(Strict):
    """What comes with an uploaded file: what it is evidence for, and the collector's statement."""

    kind: Code
    event_id: Annotated[str | None, Field(max_length=36)] = None
    person_id: Annotated[str | None, Field(max_length=36)] = None
    original_name: FileName
    media_type: MediaType | None = None  # guessed from the file name when not given
    collected_by: ShortText | None = None
    collected_at: AwareDatetime | None = None
    place: PlaceIn = PlaceIn()
    capture_device: ShortText | None = None
    source_url: WebAddress = None
    captured_at: AwareDatetime | None = None
    notes: LongText | None = None
    tlp: TLPLabel = "AMBER"

    @model_validator(mode="after")
    def _target(self) -> EvidenceCreate:
        if not self.event_id and not self.person_id:
            raise ValueError("give event_id, person_id or both")
        return self


Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
StatementText = Annotated[str, Field(min_length=1, max_length=500_000)]
Agreement = Literal["signed", "thumbprint", "recorded_oral", "read_back"]


class StatementCreate(Strict):
    """A witness statement as taken: who gave it, when, where, to whom, in which language,
    with what consent, and how the witness agreed to the written text."""

    event_id: Annotated[str | None, Field(max_length=36)] = None
    witness_id: Annotated[str, Field(min_length=1, max_length=36)]
    taken_at: AwareDatetime
    place: PlaceIn = PlaceIn()
    interviewer: Annotated[str, Field(min_length=1, max_length=300)]
    language: Language
    interpreter: ShortText | None = None
    informed_consent: bool
    consent_notes: LongText | None = None
    text: StatementText
    agreement: Agreement
    agreement_notes: ShortText | None = None
    tlp: TLPLabel = "RED"

    @field_validator("informed_consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            # A statement taken without informed consent must not enter the record at all.
            raise ValueError("the witness must have given informed consent")
        return value


class StatementDocument(BaseModel):
    """The stored statement (the evidence file itself, JSON), as read back."""

    format: str
    evidence_id: str | None = None
    event_id: str | None
    witness_id: str
    taken_at: datetime
    place: PlacePublic
    interviewer: str
    language: str
    interpreter: str | None
    informed_consent: bool
    consent_notes: str | None
    text: str
    agreement: Agreement
    agreement_notes: str | None
    recorded_by: str | None
    recorded_at: datetime


class StatementPublic(BaseModel):
    """What the collector states. ``withheld`` when the reader may not see who collected it."""

    withheld: bool = False
    collected_by: str | None
    collected_at: datetime | None
    place: PlacePublic
    capture_device: str | None
    source_url: str | None
    captured_at: datetime | None
    notes: str | None


class EvidencePublic(BaseModel):
    id: str
    kind: str
    event_id: str | None
    person_id: str | None
    sha256: str
    sha512: str
    size: int
    original_name: str
    media_type: str
    statement: StatementPublic
    extracted: dict[str, Any]
    tlp: str
    duplicate: bool = False  # the upload was already stored for this event or person
    derived_from: str | None = None  # a working copy: the record of its original
    created_at: datetime
    created_by: str | None


class ProofPublic(BaseModel):
    tree_size: int
    leaf_hash: str  # hex
    path: list[str]  # hex, RFC 6962 audit path


class TreeHeadPublic(BaseModel):
    tree_size: int
    timestamp_ms: int
    root_hash: str  # hex
    signature: str  # hex, Ed25519
    key_id: str


class CustodyEntryPublic(BaseModel):
    index: int
    kind: str
    who: str
    at: datetime
    details: dict[str, Any]
    entry: str  # the exact bytes that were hashed, as UTF-8 text
    proof: ProofPublic | None  # None while no signed head covers the entry yet


class CustodyPublic(BaseModel):
    evidence_id: str
    sha256: str
    head: TreeHeadPublic | None
    public_key: str  # hex, raw Ed25519 public key of the log
    entries: list[CustodyEntryPublic]
