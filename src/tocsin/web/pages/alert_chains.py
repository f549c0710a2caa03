"""Escalation chains: the list, a new chain, a chain's steps edited, a chain deleted.

Only those who may manage alerting (coordinators, administrators) reach these pages. A step is a
row of the form: the minutes its people have to acknowledge, and the people, ticked from the
accounts that may handle alerts. Rows left empty are dropped; the form always offers two more
than the chain has, so a chain grows by saving and editing again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.alerts import chains
from tocsin.alerts.escalation_schemas import (
    MAX_MINUTES,
    MAX_STEPS,
    ChainCreate,
    ChainMember,
    ChainPublic,
    ChainUpdate,
)
from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(prefix="/alerts/chains", include_in_schema=False)

ChainId = Annotated[str, Path(max_length=36)]
LIST = "/alerts/chains"
MIN_ROWS = 3
_ROW = re.compile(r"^steps\[(\d+)\]\.(after_minutes|user_ids)$")
_STEP_ERROR = re.compile(r"^steps\[(\d+)\](.*)$")
NO_MINUTES = N_("Give the minutes this step's people have to acknowledge.")
NOBODY = N_("Tick at least one person for this step.")


@dataclass
class Row:
    """One step as the form shows it, with the messages of its two parts."""

    index: int
    minutes: str = ""
    user_ids: list[str] = field(default_factory=list)
    minutes_error: str = ""
    people_error: str = ""


def _rows_posted(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> list[Row]:
    indexes = sorted({int(m.group(1)) for k in (*form, *lists) if (m := _ROW.match(k))})
    rows = [Row(i, form.get(f"steps[{i}].after_minutes", "").strip(),
                list(dict.fromkeys(lists.get(f"steps[{i}].user_ids", []))))
            for i in indexes[:MAX_STEPS + 2]]  # fmt: skip
    return [Row(n, r.minutes, r.user_ids) for n, r in enumerate(rows)]


def _rows_of(chain: ChainPublic | None) -> list[Row]:
    rows = [Row(i, str(s.after_minutes), list(s.user_ids))
            for i, s in enumerate(chain.steps if chain else [])]  # fmt: skip
    wanted = max(MIN_ROWS, min(MAX_STEPS, len(rows) + 2))
    rows += [Row(i) for i in range(len(rows), wanted)]
    return rows


def _payload(name: str, rows: list[Row], state: FormState) -> tuple[dict[str, Any], list[int]]:
    """The schema's input from the rows that say something, and each kept step's row."""
    kept = [r for r in rows if r.minutes or r.user_ids]
    if not kept:
        state.errors["steps"] = N_("Give at least one step: its minutes and who it calls.")
    steps = [{"after_minutes": r.minutes or None, "user_ids": r.user_ids} for r in kept]
    return {"name": name, "steps": steps}, [r.index for r in kept]


def _place_errors(state: FormState, rows: list[Row], placed: list[int]) -> None:
    """Messages about "steps[k]" go beside the form row that step came from."""
    for key in [k for k in state.errors if _STEP_ERROR.match(k)]:
        message = state.errors.pop(key)
        m = _STEP_ERROR.match(key)
        assert m is not None
        k, rest = int(m.group(1)), m.group(2)
        row = rows[placed[k]] if k < len(placed) else None
        if row is None:
            state.errors.setdefault("steps", message)
        elif rest.startswith(".after_minutes"):
            row.minutes_error = row.minutes_error or (message if row.minutes else NO_MINUTES)
        else:
            row.people_error = row.people_error or (message if row.user_ids else NOBODY)
    if any(r.minutes_error or r.people_error for r in rows) and not state.errors:
        state.summary = N_("Some steps need correcting: see the messages beside them.")


def _people(session: Session, who: Viewer, chain: ChainPublic | None) -> list[ChainMember]:
    """Everyone who may be ticked, and anyone already on the chain who no longer may (shown
    ticked, so saving asks for them to be replaced rather than dropping them unseen)."""
    people = chains.candidates(session, who.actor)
    known = {p.id for p in people}
    for step in chain.steps if chain else []:
        for person in step.people:
            if person.id not in known:
                people.append(person)
                known.add(person.id)
    return people


def _form(request: Request, session: Session, who: Viewer, state: FormState, rows: list[Row],
          chain: ChainPublic | None = None, status: int = 200) -> Response:  # fmt: skip
    return render(request, "alerts/chains_form.html", who, status, form=state, rows=rows,
                  chain=chain, people=_people(session, who, chain), max_minutes=MAX_MINUTES,
                  max_steps=MAX_STEPS)  # fmt: skip


@router.get("", response_class=HTMLResponse)
def chain_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.MANAGE_ALERTING)
    found = chains.list_chains(session, who.actor)
    return render(request, "alerts/chains.html", who, found=found)


@router.get("/new", response_class=HTMLResponse)
def new_chain(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.MANAGE_ALERTING)
    return _form(request, session, who, FormState(), _rows_of(None))


def _store(session: Session, who: Viewer, chain: ChainPublic | None, data: ChainCreate
           ) -> ChainPublic:  # fmt: skip
    if chain is None:
        return chains.create_chain(session, who.actor, data)
    change = ChainUpdate(name=data.name, steps=data.steps)  # the form always sends both
    return chains.update_chain(session, who.actor, chain.id, change)


def _submit(request: Request, session: Session, who: Viewer, lists: Mapping[str, list[str]],
            chain: ChainPublic | None) -> Response:  # fmt: skip
    name = who.form.get("name", "").strip()
    rows = _rows_posted(who.form, lists)
    state = FormState(values={"name": name})
    given, placed = _payload(name, rows, state)
    data = validate(ChainCreate, given, state)
    saved = None
    if data is not None and state.ok:
        saved = attempt(session, lambda: _store(session, who, chain, data), state)
    if saved is None:
        _place_errors(state, rows, placed)
        return _form(request, session, who, state, rows, chain, status=422)
    return flash(RedirectResponse(LIST, status_code=303), N_("Escalation chain saved."))


@router.post("/new", response_class=HTMLResponse)
def create_chain(request: Request, session: SessionDep, who: PostedForm, lists: Lists
                 ) -> Response:  # fmt: skip
    who.require(Permission.MANAGE_ALERTING)
    return _submit(request, session, who, lists, None)


@router.get("/{chain_id}", response_class=HTMLResponse)
def edit_chain(request: Request, session: SessionDep, who: PageViewer, chain_id: ChainId
               ) -> Response:  # fmt: skip
    who.require(Permission.MANAGE_ALERTING)
    chain = chains.get_chain(session, who.actor, chain_id)
    return _form(request, session, who, FormState(values={"name": chain.name}), _rows_of(chain),
                 chain)  # fmt: skip


@router.post("/{chain_id}", response_class=HTMLResponse)
def save_chain(request: Request, session: SessionDep, who: PostedForm, lists: Lists,
               chain_id: ChainId) -> Response:  # fmt: skip
    who.require(Permission.MANAGE_ALERTING)
    return _submit(request, session, who, lists, chains.get_chain(session, who.actor, chain_id))


@router.post("/{chain_id}/delete", response_class=HTMLResponse)
def delete_chain(request: Request, session: SessionDep, who: PostedForm, chain_id: ChainId
                 ) -> Response:  # fmt: skip
    who.require(Permission.MANAGE_ALERTING)
    state = FormState()

    def delete() -> bool:
        chains.delete_chain(session, who.actor, chain_id)
        return True

    if attempt(session, delete, state) is None:  # in use: say so on the chain's own page
        chain = chains.get_chain(session, who.actor, chain_id)
        state.values["name"] = chain.name
        return _form(request, session, who, state, _rows_of(chain), chain, status=409)
    return flash(RedirectResponse(LIST, status_code=303), N_("Escalation chain deleted."))
