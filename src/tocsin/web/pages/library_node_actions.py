"""What a curator changes on a paragraph's page: its labels on one dimension, links to other
paragraphs (made, confirmed from a suggestion, withdrawn or rejected) and the search for
suggestions. Each post calls the library service the API calls; a refusal comes back on the
paragraph's page, next to the form it came from, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.library.classify import DIMENSIONS
from tocsin.library.store import (
    LinkKind,
    LinkStatus,
    correct_labels,
    get_node,
    link,
    suggest_links,
    unlink,
)
from tocsin.web.forms import FormState, attempt
from tocsin.web.i18n import N_
from tocsin.web.pages.library_node import link_for, show
from tocsin.web.templating import flash
from tocsin.web.viewer import PostedForm, Viewer

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 5
CHOOSE_A_PARAGRAPH = N_("Choose the paragraph to link to: search for it, or type its reference.")


def chosen_labels(form: dict[str, str]) -> list[str]:
    """Codes ticked (``labels.<code>``, several may apply) or chosen (``labels``, just one)."""
    ticked = [k.removeprefix("labels.") for k in form if k.startswith("labels.")]
    one = form.get("labels", "").strip()
    return ticked + ([one] if one else [])


def _done(
    request: Request, session: Session, who: Viewer, node_id: str, form_key: str,
    action: Callable[[], Any], message: str, anchor: str,
) -> Response:  # fmt: skip
    """Run the service; on refusal show the page again with the form as it was posted."""
    state = FormState(values={k: v for k, v in who.form.items() if k != "csrf"})
    if attempt(session, action, state) is None and not state.ok:
        return show(request, session, who, node_id, 422, {form_key: state})
    return flash(RedirectResponse(f"/library/nodes/{node_id}#{anchor}", 303), message)


@router.post("/library/nodes/{node_id}/labels/{dimension}", response_class=HTMLResponse)
def correct(
    request: Request, node_id: str, dimension: str, session: SessionDep, who: PostedForm
) -> Response:
    who.require(Permission.CURATE_LIBRARY)
    codes = chosen_labels(dict(who.form))
    note = who.form.get("note", "")
    key = dimension if dimension in DIMENSIONS else "labels"
    return _done(request, session, who, node_id, key,
                 lambda: correct_labels(session, who.actor, node_id, dimension, codes, note),
                 N_("Labels corrected. The correction is kept and teaches later imports."),
                 "labels")  # fmt: skip


@router.post("/library/nodes/{node_id}/links", response_class=HTMLResponse)
def make_link(request: Request, node_id: str, session: SessionDep, who: PostedForm) -> Response:
    """Link this paragraph (the source) to the one picked (a button's ``to_node``) or typed
    (``to_reference``)."""
    who.require(Permission.CURATE_LIBRARY)
    here = get_node(session, who.actor, node_id)  # a node in the address is absent (404)
    target = (who.form.get("to_node") or who.form.get("to_reference") or "").strip()
    if not target:
        state = FormState(values=dict(who.form), errors={"to_reference": CHOOSE_A_PARAGRAPH})
        return show(request, session, who, node_id, 422, {"link": state})
    kind = who.form.get("kind") or LinkKind.REFERS_TO.value
    return _done(request, session, who, node_id, "link",
                 lambda: link(session, who.actor, here.id, target, kind, who.form.get("note", "")),
                 N_("Paragraphs linked."), "links")  # fmt: skip


@router.post("/library/nodes/{node_id}/links/{link_id}/confirm", response_class=HTMLResponse)
def confirm(
    request: Request, node_id: str, link_id: str, session: SessionDep, who: PostedForm
) -> Response:
    """A suggestion becomes a link, with the kind the curator chose."""
    who.require(Permission.CURATE_LIBRARY)
    found = link_for(get_node(session, who.actor, node_id), link_id)
    kind = who.form.get("kind") or found.kind
    return _done(request, session, who, node_id, f"confirm-{link_id}",
                 lambda: link(session, who.actor, found.from_node.id, found.to_node.id, kind,
                              who.form.get("note", "")),
                 N_("Suggestion confirmed: the paragraphs are linked."), "links")  # fmt: skip


@router.post("/library/nodes/{node_id}/links/{link_id}/reject", response_class=HTMLResponse)
def reject(
    request: Request, node_id: str, link_id: str, session: SessionDep, who: PostedForm
) -> Response:
    """Withdraw a link or refuse a suggestion: the pair is never suggested again."""
    who.require(Permission.CURATE_LIBRARY)
    found = link_for(get_node(session, who.actor, node_id), link_id)
    message = (N_("Suggestion rejected: it will not be suggested again.")
               if found.status == LinkStatus.SUGGESTED else N_("Link withdrawn."))  # fmt: skip
    return _done(request, session, who, node_id, f"reject-{link_id}",
                 lambda: unlink(session, who.actor, found.id, who.form.get("note", "")),
                 message, "links")  # fmt: skip


@router.post("/library/nodes/{node_id}/suggestions", response_class=HTMLResponse)
def find_suggestions(
    request: Request, node_id: str, session: SessionDep, who: PostedForm
) -> Response:
    """Paragraphs of other documents similar to this one, stored as suggestions; none new
    while some still wait for a decision (as the API does)."""
    who.require(Permission.CURATE_LIBRARY)
    here = get_node(session, who.actor, node_id)
    waiting = [x for x in here.links
               if x.status == LinkStatus.SUGGESTED and x.from_node.id == here.id]  # fmt: skip
    if waiting:
        message = N_("Decide on the suggestions waiting before asking for more.")
        return flash(RedirectResponse(f"/library/nodes/{node_id}#suggestions", 303), message)
    state = FormState()
    found = attempt(session, lambda: suggest_links(session, who.actor, here.id, SUGGESTIONS),
                    state)  # fmt: skip
    if found is None:
        return show(request, session, who, node_id, 422, {"suggest": state})
    message = (N_("Similar paragraphs found: confirm or reject each.") if found
               else N_("No similar paragraph found in the other documents."))  # fmt: skip
    return flash(RedirectResponse(f"/library/nodes/{node_id}#suggestions", 303), message)
