"""Commitment pages: the list, a new commitment (``?node=`` starts from a library paragraph),
a commitment with its source paragraph, status timeline and judgement form, and its edit form.
Every page calls the services the API calls, so roles, sharing levels and the audit of reads
are the same."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store import get_node
from tocsin.response import commitments
from tocsin.response.commitments import (
    CommitmentCreate,
    CommitmentPublic,
    CommitmentSummary,
    CommitmentUpdate,
    JudgementCreate,
)
from tocsin.response.commitments.page_views import cited_titles, people
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.response_commitments_form import (
    COMMITMENT_FIELDS,
    JUDGEMENT_FIELDS,
    commitment_payload,
    judgement_payload,
    kept_hidden,
    typed,
    values_of,
)
from tocsin.web.pages.response_commitments_words import read_filters, refused, words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _context(who: Viewer, form: FormState, **values: Any) -> dict[str, Any]:
    return {**words(who), "form": form,
            "country_choices": country_choices(who.lang, form.value("country") or None),
            **values}  # fmt: skip


@router.get("/response/commitments", response_class=HTMLResponse)
def commitment_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    filters, f = read_filters(request)
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    items: list[CommitmentSummary] = []
    total = 0
    if f is not None:
        try:
            items, total = commitments.list_commitments(session, who.actor, f, page, PAGE_SIZE)
        except TocsinError as exc:
            refused(filters, exc)
    return render(request, "response/commitments_list.html", who, 200 if filters.ok else 422,
                  **_context(who, filters, filters=filters, items=items, total=total, page=page,
                             last=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
                             can_respond=who.can(Permission.RESPOND)))  # fmt: skip


def _new_form(request: Request, who: Viewer, state: FormState, status: int = 200,
              source: Any = None) -> Response:  # fmt: skip
    return render(request, "response/commitments_form.html", who, status,
                  **_context(who, state, commitment=None, source=source))  # fmt: skip


@router.get("/response/commitments/new", response_class=HTMLResponse)
def new_commitment(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.RESPOND)
    state = FormState(values={"actor_kind": "state", "tlp": "GREEN",
                              "made_on": utcnow().date().isoformat()})  # fmt: skip
    node_key = request.query_params.get("node", "").strip()[:500]
    source = None
    if node_key:
        try:
            source = get_node(session, who.actor, node_key)
            # Never shared more widely than the paragraph's document (the service refuses it).
            level = max(TLP.GREEN, TLP.parse(source.document.tlp))
            state.values.update(node_id=source.reference, action=source.text, tlp=level.label)
        except TocsinError:
            state.values["node_id"] = node_key
            state.errors["node_id"] = N_("No paragraph with this id or reference.")
    return _new_form(request, who, state, source=source)


@router.post("/response/commitments/new", response_class=HTMLResponse)
def create(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.RESPOND)
    state = FormState(values=typed(who.form, COMMITMENT_FIELDS))
    data = validate(CommitmentCreate, commitment_payload(state.values), state)
    made = None
    if data is not None:
        made = attempt(session, lambda: commitments.create_commitment(session, who.actor, data),
                       state)  # fmt: skip
    if made is None:
        return _new_form(request, who, state, 422)
    return flash(RedirectResponse(f"/response/commitments/{made.id}", 303),
                 N_("Commitment recorded."))  # fmt: skip


def _page(request: Request, session: Session, who: Viewer, c: CommitmentPublic,
          judgement: FormState, status: int = 200) -> Response:  # fmt: skip
    return render(request, "response/commitments_page.html", who, status,
                  **_context(who, judgement, c=c, cited=cited_titles(session, who.actor, c),
                             people=people(session, who.actor, c),
                             can_respond=who.can(Permission.RESPOND)))  # fmt: skip


def _blank_judgement() -> FormState:
    return FormState(values={"as_of": utcnow().date().isoformat(),
                             "source_kind": "own_monitoring"})  # fmt: skip


@router.get("/response/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(
    commitment_id: str, request: Request, session: SessionDep, who: PageViewer
) -> Response:
    c = commitments.get_commitment(session, who.actor, commitment_id)
    return _page(request, session, who, c, _blank_judgement())


@router.post("/response/commitments/{commitment_id}/statuses", response_class=HTMLResponse)
def judge(commitment_id: str, request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.RESPOND)
    c = commitments.get_commitment(session, who.actor, commitment_id)
    state = FormState(values=typed(who.form, JUDGEMENT_FIELDS))
    state.values.update({k: v for k, v in who.form.items() if k.startswith("indicator_")})
    data = validate(JudgementCreate, judgement_payload(state.values, who.form, c.indicators),
                    state)  # fmt: skip
    done = None
    if data is not None:
        done = attempt(session, lambda: commitments.record_judgement(session, who.actor, c.id,
                                                                     data), state)  # fmt: skip
    if done is None:
        # A refused address is named by its line (urls[2]); the form has one field for them all.
        for name in [n for n in state.errors if n.startswith("urls[")]:
            state.errors.setdefault("urls", state.errors.pop(name))
        return _page(request, session, who, commitments.get_commitment(session, who.actor, c.id),
                     state, 422)  # fmt: skip
    return flash(RedirectResponse(f"/response/commitments/{c.id}#timeline", 303),
                 N_("Judgement recorded."))  # fmt: skip


def _edit_form(request: Request, who: Viewer, c: CommitmentPublic, state: FormState,
               status: int = 200) -> Response:  # fmt: skip
    return render(request, "response/commitments_form.html", who, status,
                  **_context(who, state, commitment=c, source=c.source))  # fmt: skip


@router.get("/response/commitments/{commitment_id}/edit", response_class=HTMLResponse)
def edit_commitment(
    commitment_id: str, request: Request, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.RESPOND)
    c = commitments.get_commitment(session, who.actor, commitment_id)
    return _edit_form(request, who, c, FormState(values=values_of(c)))


@router.post("/response/commitments/{commitment_id}/edit", response_class=HTMLResponse)
def save(commitment_id: str, request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.RESPOND)
    c = commitments.get_commitment(session, who.actor, commitment_id)
    state = FormState(values=typed(who.form, COMMITMENT_FIELDS))
    payload = kept_hidden(commitment_payload(state.values, editing=True), c)
    data = validate(CommitmentUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(session, lambda: commitments.update_commitment(session, who.actor, c.id,
                                                                      data), state)  # fmt: skip
    if done is None:
        return _edit_form(request, who, c, state, 422)
    return flash(RedirectResponse(f"/response/commitments/{c.id}", 303),
                 N_("Commitment saved."))  # fmt: skip
