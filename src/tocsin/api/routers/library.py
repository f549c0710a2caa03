"""The action library: imported plans of action, their paragraphs with labels and analysts'
corrections, links between paragraphs, and search (docs/library.md).

Thin routes over ``tocsin.library.store``, which checks permissions and sharing levels itself.
Node routes take a node's id; a reference (``slug/part/section/item``) holds slashes, so it is
looked up with ``GET /library/nodes?reference=``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import Field

from tocsin.api.deps import CurrentActor, SessionDep
from tocsin.cases.schemas import Strict
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library import DocumentUnreadable, parse_bytes
from tocsin.library.store import (
    DocumentSummary,
    DocumentTree,
    ImportResult,
    LinkPublic,
    LinkStatus,
    NodePublic,
    SearchFilters,
    SearchResults,
    correct_labels,
    document_tree,
    get_node,
    import_document,
    link,
    list_documents,
    search,
    suggest_links,
    unlink,
)

router = APIRouter(prefix="/library", tags=["library"])

MAX_UPLOAD = 64 * 1024 * 1024  # the parser's own limit: no plan of action comes near it
Format = Literal["text", "pdf", "html"]
Note = Annotated[str, Field(max_length=4000)]
LabelCode = Annotated[str | None, Query(max_length=40)]


class LabelsIn(Strict):
    labels: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=100)]
    note: Note = ""


class LinkIn(Strict):
    to_node: Annotated[str, Field(min_length=1, max_length=500)]  # an id or a reference
    kind: Annotated[str, Field(max_length=20)] = "refers_to"
    note: Note = ""


class RejectIn(Strict):
    note: Note = ""


def _form_text(name: str, value: str | None) -> str | None:
    """An empty form field counts as not given; NUL is refused (uploads skip the app's check)."""
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        raise ValidationFailed.on(name, "must not contain NUL characters")
    return value.strip()


def _read_upload(file: UploadFile) -> tuple[bytes, str]:
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValidationFailed.on("file", f"larger than {MAX_UPLOAD // 2**20} MB")
    # Some browsers send the whole path of the file; its name alone is the source name.
    name = PurePath((file.filename or "").replace("\\", "/")).name
    return data, _form_text("file", name) or "upload.txt"


@router.get("/documents", response_model=list[DocumentSummary])
def documents(session: SessionDep, actor: CurrentActor) -> list[DocumentSummary]:
    """Every document you may see, by title."""
    return list_documents(session, actor)


@router.post("/documents", response_model=ImportResult, status_code=201)
def upload_document(
    session: SessionDep,
    actor: CurrentActor,
    response: Response,
    file: Annotated[UploadFile, File(description="A plan of action: text, PDF or HTML.")],
    slug: Annotated[str | None, Form(max_length=200)] = None,
    title: Annotated[str | None, Form(max_length=500)] = None,
    format: Annotated[Format | None, Form()] = None,
    tlp: Annotated[str | None, Form(max_length=12)] = None,
) -> ImportResult:
    """Import a document, or re-import a new edition under the same slug (201 when new)."""
    actor.require(Permission.CURATE_LIBRARY)  # before reading a large body for nothing
    data, name = _read_upload(file)
    slug, title, tlp = _form_text("slug", slug), _form_text("title", title), _form_text("tlp", tlp)
    try:
        parsed = parse_bytes(data, name, title=title, slug=slug, format=format)
    except DocumentUnreadable as exc:
        raise ValidationFailed.on("file", exc.detail) from None
    result = import_document(session, actor, parsed, slug, tlp=tlp, format=format)
    if not result.created:
        response.status_code = 200
    return result


@router.get("/documents/{slug}", response_model=DocumentTree)
def document(
    slug: str, session: SessionDep, actor: CurrentActor, include_retired: bool = False
) -> DocumentTree:
    """A document (by slug or id) as parts, sections and items with their labels."""
    return document_tree(session, actor, slug, include_retired)


@router.get("/nodes", response_model=NodePublic)
def node_by_reference(
    session: SessionDep,
    actor: CurrentActor,
    reference: Annotated[str, Query(min_length=1, max_length=500)],
) -> NodePublic:
    """One part, section or item by its reference (an id works too)."""
    return get_node(session, actor, reference)


@router.get("/nodes/{node_id}", response_model=NodePublic)
def node(node_id: str, session: SessionDep, actor: CurrentActor) -> NodePublic:
    """One node with its labels, the corrections made to it and its links."""
    return get_node(session, actor, node_id)


@router.put("/nodes/{node_id}/labels/{dimension}", response_model=NodePublic)
def correct(
    node_id: str, dimension: str, data: LabelsIn, session: SessionDep, actor: CurrentActor
) -> NodePublic:
    """An analyst's labels for one dimension of a paragraph, kept and learnt from."""
    return correct_labels(session, actor, node_id, dimension, data.labels, data.note)


@router.get("/search", response_model=SearchResults)
def search_library(
    session: SessionDep,
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=1000)],
    document: Annotated[str | None, Query(max_length=200)] = None,
    actor_label: Annotated[str | None, Query(alias="actor", max_length=40)] = None,
    sphere: LabelCode = None,
    situation: LabelCode = None,
    theme: LabelCode = None,
    risk_factor: LabelCode = None,
    include_retired: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchResults:
    """Full-text and semantic search over paragraphs, narrowed by document and labels."""
    filters = SearchFilters(
        document=document, actor=actor_label, sphere=sphere, situation=situation, theme=theme,
        risk_factor=risk_factor, include_retired=include_retired,
    )  # fmt: skip
    return search(session, actor, q, filters, limit)


@router.get("/nodes/{node_id}/links", response_model=list[LinkPublic])
def node_links(node_id: str, session: SessionDep, actor: CurrentActor) -> list[LinkPublic]:
    """Links to and from a node (rejected ones included), oldest first."""
    return get_node(session, actor, node_id).links


@router.post("/nodes/{node_id}/links", response_model=LinkPublic, status_code=201)
def make_link(
    node_id: str, data: LinkIn, session: SessionDep, actor: CurrentActor
) -> LinkPublic:
    """Link this paragraph to another (confirms a suggestion or a rejected pair)."""
    actor.require(Permission.CURATE_LIBRARY)
    here = get_node(session, actor, node_id)  # a node in the address is absent (404), not bad input
    return link(session, actor, here.id, data.to_node, data.kind, data.note)


@router.post("/links/{link_id}/reject", response_model=LinkPublic)
def reject_link(
    link_id: str, session: SessionDep, actor: CurrentActor, data: RejectIn | None = None
) -> LinkPublic:
    """Withdraw a link or refuse a suggestion; the pair is never suggested again."""
    return unlink(session, actor, link_id, data.note if data else "")


# A POST, not a GET: finding suggestions stores them, and a read must never write (nor be
# triggered by a link a signed-in browser follows without the CSRF check).
@router.post("/nodes/{node_id}/suggestions", response_model=list[LinkPublic])
def suggestions(
    node_id: str,
    session: SessionDep,
    actor: CurrentActor,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[LinkPublic]:
    """Paragraphs of other documents similar to this one, waiting for a decision. Made (and
    stored as suggestions) only when none waits, so reading twice gives the same list."""
    actor.require(Permission.CURATE_LIBRARY)
    here = get_node(session, actor, node_id)
    waiting = [x for x in here.links
               if x.status == LinkStatus.SUGGESTED and x.from_node.id == here.id]  # fmt: skip
    return waiting[:k] or suggest_links(session, actor, here.id, k)
