"""A person's consent records as their page shows them, read exactly as the API reads them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.models import Consent, Person
from tocsin.cases.records import audit_listed, fetch, visible_query
from tocsin.cases.schemas import ConsentPublic
from tocsin.core.access import Actor, ensure_visible
from tocsin.core.errors import NotFound


def consents_of(
    session: Session, actor: Actor, person_id: str, person_already_read: bool = False
) -> list[ConsentPublic]:
    """Oldest first, the records within the actor's clearance. The person is checked (and their
    read audited) unless the caller has just read them, as the person's page has."""
    if person_already_read:
        ensure_visible(session.get(Person, person_id), actor)
    else:
        fetch(session, Person, person_id, actor, "person")
    rows = list(
        session.scalars(
            visible_query(Consent, actor)
            .where(Consent.person_id == person_id)
            .order_by(Consent.given_on, Consent.created_at)
        )
    )
    audit_listed(session, actor, "consent", rows)
    return [views.consent_public(c) for c in rows]


def person_of(session: Session, consent_id: str) -> str:
    """Whose consent this is, to go back to their page; the page itself checks clearance."""
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("no such record")
    return consent.person_id
