"""Organisations: the list, the page with its place in the hierarchy and the acts attributed to
it and its units, and the forms. Reads go through the API's services (clearance, audit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import organisation_tree, organisations
from tocsin.cases.organisations import OrganisationFilters
from tocsin.cases.schemas import OrganisationCreate, OrganisationPublic, OrganisationUpdate
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.listing import list_response
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
FIELDS = ("name", "kind", "parent_id", "country", "aliases", "description", "tlp")
# The select's value for "the parent stays as it is" when the reader may not see that parent:
# its name and id must not reach the page, and an unchanged field is not sent.
KEEP = "keep"


@router.get("/organisations", response_class=HTMLResponse)
def organisation_list(
    request: Request,
    session: SessionDep,
    who: PageViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    f = OrganisationFilters(q=q or None, kind=kind or None)
    found = organisations.list_organisations(session, who.actor, f, page, PAGE_SIZE)
    return list_response(request, session, who, "organisations", found)


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    org: OrganisationPublic | None = None,
    status: int = 200,
) -> Response:
    parents = organisation_tree.parent_choices(session, who.actor, org.id if org else None)
    hidden_parent = bool(org and org.parent_id and org.parent_id not in dict(parents))
    if hidden_parent and org and state.value("parent_id") in ("", org.parent_id):
        state.values["parent_id"] = KEEP
    return render(
        request,
        "organisations/form.html",
        who,
        status,
        form=state,
        org=org,
        parents=parents,
        hidden_parent=hidden_parent,
        labels=Labels.load(session, who.lang),
    )


def _read(form: dict[str, str], org: OrganisationPublic | None) -> tuple[dict[str, Any], FormState]:
    values = {k: form.get(k, "").strip() for k in FIELDS}
    payload: dict[str, Any] = {
        "name": values["name"],
        "kind": values["kind"],
        "parent_id": values["parent_id"] or None,
        "country": values["country"] or None,
        "aliases": [a.strip() for a in values["aliases"].splitlines() if a.strip()],
        "description": values["description"],
        "tlp": values["tlp"] or "GREEN",
    }
    if org is not None and values["parent_id"] in (KEEP, org.parent_id or ""):
        del payload["parent_id"]  # unchanged: not sent, so not checked against clearance
    return payload, FormState(values=values)


def _stored(org: OrganisationPublic) -> FormState:
    return FormState(
        values={
            "name": org.name,
            "kind": org.kind,
            "parent_id": org.parent_id or "",
            "country": org.country or "",
            "aliases": "\n".join(org.aliases),
            "description": org.description,
            "tlp": org.tlp,
        }
    )


@router.get("/organisations/new", response_class=HTMLResponse)
def new_organisation(
    request: Request, session: SessionDep, who: PageViewer, parent_id: str | None = None
) -> Response:
    who.require(Permission.WRITE)
    state = FormState(values={"tlp": "GREEN", "parent_id": parent_id or ""})
    return _form(request, session, who, state)


@router.post("/organisations/new", response_class=HTMLResponse)
def create_organisation(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    payload, state = _read(dict(who.form), None)
    data = validate(OrganisationCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: organisations.create(session, who.actor, data), state)
    if made is None:
        return _form(request, session, who, state, status=422)
    return flash(RedirectResponse(f"/organisations/{made.id}", 303), N_("Organisation saved."))


@router.get("/organisations/{org_id}", response_class=HTMLResponse)
def organisation_page(
    request: Request, session: SessionDep, who: PageViewer, org_id: str
) -> Response:
    org = organisations.get(session, who.actor, org_id)
    units = organisation_tree.units_below(session, who.actor, org_id)
    acts = organisation_tree.attributed_acts(
        session, who.actor, [org_id, *organisation_tree.flatten(units)]
    )
    names = {org.id: org.name} | {u.org.id: u.org.name for u in _all(units)}
    return render(
        request,
        "organisations/page.html",
        who,
        org=org,
        chain=organisation_tree.parent_chain(session, who.actor, org),
        units=units,
        acts=acts,
        names=names,
        acts_capped=len(acts) >= organisation_tree.ACTS_SHOWN,
        labels=Labels.load(session, who.lang),
    )


def _all(units: list[organisation_tree.Unit]) -> list[organisation_tree.Unit]:
    return [x for u in units for x in (u, *_all(u.units))]


@router.get("/organisations/{org_id}/edit", response_class=HTMLResponse)
def edit_organisation(
    request: Request, session: SessionDep, who: PageViewer, org_id: str
) -> Response:
    who.require(Permission.WRITE)
    org = organisations.get(session, who.actor, org_id)
    return _form(request, session, who, _stored(org), org)


@router.post("/organisations/{org_id}/edit", response_class=HTMLResponse)
def update_organisation(
    request: Request, session: SessionDep, who: PostedForm, org_id: str
) -> Response:
    who.require(Permission.WRITE)
    org = organisations.get(session, who.actor, org_id)
    payload, state = _read(dict(who.form), org)
    data = validate(OrganisationUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(
            session, lambda: organisations.update(session, who.actor, org_id, data), state
        )
    if done is None:
        return _form(request, session, who, state, org, 422)
    return flash(RedirectResponse(f"/organisations/{org_id}", 303), N_("Organisation saved."))
