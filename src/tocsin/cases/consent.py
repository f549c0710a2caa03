"""Consent: what a person agreed to, recorded with how and when; withdrawal binds from then on."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Consent, Person, PersonName
from tocsin.cases.records import reference, tlp_rank, written
from tocsin.cases.schemas import ConsentCreate, ConsentState, ConsentWithdrawIn
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, NotFound
from tocsin.core.roles import Permission

# Internal use inside the case file is not a recipient; these are the ways identities leave.
INTERNAL = "internal"


def _latest(session: Session, person_ids: Iterable[str]) -> dict[str, Consent]:
    """The consent that speaks for each person now: their most recent record."""
    ids = list(person_ids)
    latest: dict[str, Consent] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = session.scalars(
            select(Consent)
            .where(Consent.person_id.in_(chunk))
            .order_by(Consent.given_on, Consent.created_at)
        )
        for c in rows:
            latest[c.person_id] = c
    return latest


def state_of(consent: Consent | None) -> ConsentState | None:
    if consent is None:
        return None
    if consent.withdrawn_at is not None:
        return ConsentState(
            consent_id=consent.id, use_in_case_file=False, share_with=[], withdrawn=True
        )
    return ConsentState(
        consent_id=consent.id,
        use_in_case_file=consent.use_in_case_file,
        share_with=list(consent.share_with or []),
        withdrawn=False,
    )


def current_state(session: Session, person_id: str) -> ConsentState | None:
    return state_of(_latest(session, [person_id]).get(person_id))


def states(session: Session, person_ids: Iterable[str]) -> dict[str, ConsentState]:
    out: dict[str, ConsentState] = {}
    for pid, consent in _latest(session, person_ids).items():
        state = state_of(consent)
        if state is not None:
            out[pid] = state
    return out


def allows(state: ConsentState | None, recipient: str) -> bool:
    """May this person's identity go to ``recipient``? No consent on file means no."""
    if state is None or state.withdrawn or not state.use_in_case_file:
        return False
    return recipient == INTERNAL or recipient in state.share_with


def _searchable(session: Session, person_id: str, searchable: bool) -> None:
    """A person who is not (or no longer) on file must not be findable by name either."""
    from tocsin.cases.persons import search_tokens

    for name in session.scalars(select(PersonName).where(PersonName.person_id == person_id)):
        name.search_tokens = search_tokens(name.value) if searchable else ""
    session.flush()


def create(session: Session, actor: Actor, data: ConsentCreate) -> Consent:
    actor.require(Permission.WRITE)
    reference(session, Person, data.person_id, actor, "person_id")
    vocab = Vocabularies.load(session)
    for i, code in enumerate(data.share_with):
        vocab.check("consent_recipient", code, f"share_with[{i}]")
    vocab.check("consent_method", data.recorded_how, "recorded_how")
    consent = Consent(
        person_id=data.person_id,
        use_in_case_file=data.use_in_case_file,
        share_with=sorted(set(data.share_with)),
        given_on=data.given_on,
        recorded_how=data.recorded_how,
        recorded_by=actor.user_id,
        notes=data.notes,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(consent)
    session.flush()
    _searchable(session, data.person_id, data.use_in_case_file)
    written(session, actor, audit.Action.CREATE, "consent", consent.id)
    return consent


def withdraw(session: Session, actor: Actor, consent_id: str, data: ConsentWithdrawIn) -> Consent:
    """Anyone who may write may record a withdrawal, even of a consent filed above their
    clearance: it must never wait for a senior colleague. The reply then withholds its notes."""
    actor.require(Permission.WRITE)
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("no such record")
    if consent.withdrawn_at is not None:
        raise Conflict("this consent was already withdrawn")
    consent.withdrawn_at = utcnow()
    consent.withdrawn_reason = data.reason
    consent.withdrawn_recorded_by = actor.user_id
    _searchable(session, consent.person_id, False)
    audit.record(
        session,
        actor,
        audit.Action.CONSENT_WITHDRAWN,
        "consent",
        consent.id,
        {"person_id": consent.person_id},
    )
    session.flush()
    return consent
