"""The person's record page, shared by its route and by forms posted from it (withdrawal)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tocsin.cases import consent_history, persons, record_titles
from tocsin.vault import evidence
from tocsin.vault.evidence_views import evidence_public
from tocsin.web.forms import FormState
from tocsin.web.labels import Labels
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.review_cluster import person_same_as
from tocsin.web.templating import render
from tocsin.web.viewer import Viewer


def show(
    request: Request,
    session: Session,
    who: Viewer,
    person_id: str,
    withdraw: tuple[str, FormState] | None = None,
) -> Response:
    """``withdraw`` (consent id, form) re-shows a refused withdrawal with its message."""
    person = persons.get(session, who.actor, person_id)
    consents = consent_history.consents_of(session, who.actor, person_id, person_already_read=True)
    events = (a.event_id for a in person.appears_in)
    files = evidence.list_for_person(
        session,
        who.actor,
        person_id,
        lambda rows: [evidence_public(session, who.actor, r) for r in rows],
    ).items
    return render(
        request,
        "persons/page.html",
        who,
        422 if withdraw else 200,
        person=person,
        consents=consents,
        files=files,
        titles=record_titles.event_titles(session, who.actor, events),
        labels=Labels.load(session, who.lang),
        withdraw=withdraw,
        same_as=person_same_as(session, who, person_id),
        person_label=person_label,
    )
