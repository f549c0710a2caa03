"""Small helpers of the commitment tests: a two-paragraph plan in the library, and a commitment
made on one of its paragraphs."""

from __future__ import annotations

from typing import Any

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.library import parse_text
from tocsin.library.store import import_document
from tocsin.response.commitments import CommitmentCreate, CommitmentPublic, create_commitment

PLAN = (
    "Plan of protection\n\n"
    "1. States should release every child held by armed groups.\n"
    "2. States should try the recruiters of children.\n"
)


def library_plan(
    db: Database, actor: Actor, tlp: str = "CLEAR", slug: str = "plan-of-protection"
) -> dict[str, str]:
    """{item number: node id} of PLAN imported as the document ``slug``."""
    with db.session() as s:
        result = import_document(s, actor, parse_text(PLAN, f"{slug}.txt"), tlp=tlp, embed=False)
        slug = result.document.slug
    from sqlalchemy import select

    from tocsin.library.store.models import LibraryDocument, LibraryNode

    with db.session() as s:
        doc_id = s.scalar(select(LibraryDocument.id).where(LibraryDocument.slug == slug))
        nodes = s.scalars(
            select(LibraryNode).where(LibraryNode.document_id == doc_id, LibraryNode.kind == "item")
        )
        return {n.key: n.id for n in nodes}


def commit(db: Database, actor: Actor, **kw: Any) -> CommitmentPublic:
    data: dict[str, Any] = {
        "actor_name": "Republic of Testland", "actor_kind": "state", "action": "Free children.",
        "document_title": "Testland pledge", "tlp": "GREEN", **kw,
    }  # fmt: skip
    with db.session() as s:
        return create_commitment(s, actor, CommitmentCreate(**data))
