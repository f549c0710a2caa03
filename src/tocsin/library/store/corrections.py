"""Analysts' corrections of a paragraph's labels: kept for ever (an append-only table), in force
on the paragraph at once, and taught to the classifier at every later import."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tocsin.cases.records import written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library.classify import DIMENSIONS, load_taxonomy
from tocsin.library.store import access
from tocsin.library.store.labelling import headings_of
from tocsin.library.store.models import LibraryLabel, LibraryLabelCorrection
from tocsin.library.store.schemas import NodePublic
from tocsin.library.store.views import get_node
from tocsin.library.store.vocabulary import BY_ANALYST, NODE, LabelSource, NodeKind

MAX_NOTE = 4000


def correct_labels(
    session: Session, actor: Actor, node: str, dimension: str, labels: Sequence[str],
    note: str = "",
) -> NodePublic:  # fmt: skip
    """Set an item's labels on one dimension (actor, sphere, situation, theme, risk_factor):
    exactly one for sphere and situation, any number (none included) for the others."""
    actor.require(Permission.CURATE_LIBRARY)
    codes = check_labels(dimension, labels)
    if len(note.strip()) > MAX_NOTE:
        raise ValidationFailed.on("note", f"at most {MAX_NOTE} characters")
    row, _ = access.node(session, actor, node)
    if row.kind != NodeKind.ITEM:
        raise ValidationFailed.on("node", "only paragraphs carry labels, not parts or sections")
    now = utcnow()
    session.add(LibraryLabelCorrection(
        node_id=row.id, dimension=dimension, labels=codes, text=row.text,
        context=headings_of(session, row), text_sha=row.text_sha, note=note.strip(),
        by=actor.user_id, at=now,
    ))  # fmt: skip
    session.execute(delete(LibraryLabel).where(
        LibraryLabel.node_id == row.id, LibraryLabel.dimension == dimension))  # fmt: skip
    session.add_all(
        LibraryLabel(node_id=row.id, dimension=dimension, label=code, confidence=1.0,
                     source=LabelSource.ANALYST.value, method=BY_ANALYST, keywords=[],
                     by=actor.user_id, at=now)
        for code in codes
    )  # fmt: skip
    session.flush()
    written(session, actor, audit.Action.UPDATE, NODE, row.id, [f"labels.{dimension}"])
    return get_node(session, actor, row.id)


def check_labels(dimension: str, labels: Sequence[str]) -> list[str]:
    """The codes, each once, in the order given; problems named by field."""
    if dimension not in DIMENSIONS:
        raise ValidationFailed.on("dimension", f"unknown dimension {dimension!r}; one of "
                                  f"{', '.join(DIMENSIONS)}")  # fmt: skip
    if isinstance(labels, str):  # a lone code would otherwise be read letter by letter
        raise ValidationFailed.on("labels", "a list of codes")
    spec = load_taxonomy().dimension(dimension)
    codes = list(dict.fromkeys(code.strip() for code in labels))
    unknown = [code for code in codes if code not in spec.codes]
    if unknown:
        raise ValidationFailed.on(
            "labels", f"unknown {dimension} code(s): {', '.join(unknown)}; "
            f"known: {', '.join(spec.codes)}",
        )  # fmt: skip
    if not spec.multi and len(codes) != 1:
        raise ValidationFailed.on("labels", f"exactly one {dimension} label")
    return codes
