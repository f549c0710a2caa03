"""Suggestions while typing a name or a title in the event forms (htmx): the answer is the
form field itself, now a short select of matches, in place of the id box a page without
script shows. Matches come from the API's own list services, so clearance, consent and the
audit of person reads are the same as for GET /persons?name= and GET /sources?q=."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.cases import event_dossier, persons, sources
from tocsin.cases.schemas import PersonPublic
from tocsin.core.errors import NotFound
from tocsin.web.forms import FormState
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 10
FieldName = Annotated[str, Query(pattern=r"^[a-z_]{1,40}$")]
Search = Annotated[str, Query(max_length=200)]


def person_label(person: PersonPublic) -> str:
    """A person's names in every script they were given in, as far as the reader may read them."""
    names = list(dict.fromkeys(n.value for n in person.names))
    return " · ".join(names[:3]) or person.id


def _answer(
    request: Request, who: PageViewer, field: str, options: list[tuple[str, str]], kind: str
) -> HTMLResponse:
    current = request.query_params.get(field, "")
    return render(
        request,
        "events/_pick_options.html",
        who,
        form=FormState({field: current}),
        name=field,
        options=options,
        kind=kind,
    )


@router.get("/persons/suggest", response_class=HTMLResponse)
def suggest_persons(
    request: Request, session: SessionDep, who: PageViewer, q: Search = "",
    field: FieldName = "person_id",
) -> Response:
    found: dict[str, PersonPublic] = {}
    current = request.query_params.get(field, "").strip()
    if current:
        found.update(event_dossier.persons_by_id(session, who.actor, [current]))
    if len(q.strip()) >= 2:
        page = persons.list_persons(
            session, who.actor, persons.PersonFilters(name=q), 1, SUGGESTIONS
        )
        found.update((p.id, p) for p in page.items)
    options = [(pid, person_label(p)) for pid, p in found.items()]
    return _answer(request, who, field, options, "person")


@router.get("/sources/suggest", response_class=HTMLResponse)
def suggest_sources(
    request: Request, session: SessionDep, who: PageViewer, q: Search = "",
    field: FieldName = "source_id",
) -> Response:
    options: dict[str, str] = {}
    current = request.query_params.get(field, "").strip()
    if current:
        try:
            s = sources.get(session, who.actor, current)
            options[s.id] = f"{s.title} ({s.grade})"
        except NotFound:
            pass
    if len(q.strip()) >= 2:
        page = sources.list_sources(session, who.actor, sources.SourceFilters(q=q), 1, SUGGESTIONS)
        options.update((s.id, f"{s.title} ({s.grade})") for s in page.items)
    return _answer(request, who, field, list(options.items()), "source")
