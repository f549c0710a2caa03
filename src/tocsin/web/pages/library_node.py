"""One paragraph (or part, or section) of the library: its reference, document, heading and
text, its labels per dimension with confidence and source, the analysts' corrections, the links
to and from other paragraphs, and, for curators, the forms that change them
(``library_node_actions``) and the picker that links it to another paragraph
(``library_picker``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.errors import NotFound
from tocsin.core.roles import Permission
from tocsin.crosscheck.review_views import deciders
from tocsin.library.store import (
    LinkPublic,
    LinkStatus,
    NodeKind,
    NodePublic,
    get_node,
    list_documents,
)
from tocsin.web.forms import FormState
from tocsin.web.pages.library_search import document_choices
from tocsin.web.pages.library_words import terms
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
MAX_OTHERS = 30  # paragraphs at the other end of links shown with their text; the rest by reference


@dataclass
class Links:
    """A paragraph's links, as the page groups them."""

    outgoing: list[LinkPublic] = field(default_factory=list)
    incoming: list[LinkPublic] = field(default_factory=list)
    waiting: list[LinkPublic] = field(default_factory=list)
    rejected: list[LinkPublic] = field(default_factory=list)


def grouped(node: NodePublic) -> Links:
    links = Links()
    for x in node.links:
        if x.status == LinkStatus.SUGGESTED:
            links.waiting.append(x)
        elif x.status == LinkStatus.REJECTED:
            links.rejected.append(x)
        elif x.from_node.id == node.id:
            links.outgoing.append(x)
        else:
            links.incoming.append(x)
    return links


def other_end(node: NodePublic, x: LinkPublic) -> str:
    return x.to_node.id if x.from_node.id == node.id else x.from_node.id


def others(session: Session, who: Viewer, node: NodePublic) -> dict[str, NodePublic]:
    """The paragraphs at the other end of the links, read through the service (which filters
    and audits as for any read); confirmed and waiting links first, as the page lists them."""
    ordered = sorted(node.links, key=lambda x: x.status == LinkStatus.REJECTED)
    wanted = list(dict.fromkeys(other_end(node, x) for x in ordered))[:MAX_OTHERS]
    found: dict[str, NodePublic] = {}
    for node_id in wanted:
        try:
            found[node_id] = get_node(session, who.actor, node_id)
        except NotFound:  # links_of shows only links whose both ends the reader may see
            continue
    return found


def link_for(node: NodePublic, link_id: str) -> LinkPublic:
    """One of this paragraph's links; any other is not found from this page."""
    for x in node.links:
        if x.id == link_id:
            return x
    raise NotFound("no such link")


def show(
    request: Request, session: Session, who: Viewer, node_id: str, status: int = 200,
    forms: dict[str, FormState] | None = None,
) -> Response:  # fmt: skip
    node = get_node(session, who.actor, node_id)  # 404 above the reader's clearance
    ids: list[str | None] = [c.by for c in node.corrections]
    ids += [i for x in node.links for i in (x.created_by, x.decided_by)]
    ids += [label.by for labels in node.labels.values() for label in labels]
    curator = who.can(Permission.CURATE_LIBRARY)
    linking = curator and node.kind == NodeKind.ITEM
    return render(
        request,
        "library/node.html",
        who,
        status,
        node=node,
        links=grouped(node),
        others=others(session, who, node),
        names=deciders(session, who.actor, ids),
        terms=terms(who.lang),
        is_item=node.kind == NodeKind.ITEM,
        forms=forms or {},
        pick=FormState(),
        hits=None,
        # only the link form needs the documents (listing them is audited: not for every read)
        document_choices=document_choices(list_documents(session, who.actor)) if linking else [],
        may_curate=curator,
        may_respond=who.can(Permission.RESPOND),
    )


@router.get("/library/nodes/{node_id}", response_class=HTMLResponse)
def node_page(request: Request, node_id: str, session: SessionDep, who: PageViewer) -> Response:
    return show(request, session, who, node_id)
