"""Reading commitments: one with its judgements and source paragraph, or many with their
current status. The current status is the latest judgement by as-of date (ties: the one
recorded last), so a correction is a new judgement, never an edit.

A commitment is as visible as its TLP; reads of a protected one (TLP:AMBER and above) are
audited. Its source paragraph is shown only when the reader may see the library document (and
then its read is audited as the library's are); otherwise the action is withheld when it is the
paragraph's text, and the filters never match on what is withheld. Cited records are shown only
when the reader may see them (the others are counted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from tocsin.cases.records import audit_listed, contains, read_is_audited, visible_query
from tocsin.core import audit
from tocsin.core.access import Actor, ensure_visible
from tocsin.core.clock import utcnow
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store.models import LibraryDocument
from tocsin.response.commitments.models import Commitment, CommitmentJudgement
from tocsin.response.commitments.schemas import (
    CommitmentFilters,
    CommitmentPublic,
    CommitmentSummary,
    JudgementPublic,
    SourceParagraph,
)
from tocsin.response.commitments.sources import audit_sources, nodes, withheld
from tocsin.response.commitments.vocabulary import (
    KIND,
    NO_JUDGEMENT,
    CommitmentStatus,
    parse_status,
)

OVERDUE = "overdue"  # the status filter's word for past due and not implemented


def load(session: Session, actor: Actor, commitment_id: str) -> Commitment:
    """The stored commitment, if the actor may see it; the read is audited when protected."""
    actor.require(Permission.READ)
    row = session.get(Commitment, commitment_id[:36])
    ensure_visible(row, actor)
    assert row is not None
    if read_is_audited(KIND, row.tlp):
        audit.record(session, actor, audit.Action.READ, KIND, row.id)
    return row


def get_commitment(session: Session, actor: Actor, commitment_id: str) -> CommitmentPublic:
    shape = public(session, actor, load(session, actor, commitment_id))
    audit_sources(session, actor, [shape])
    return shape


def judgements(session: Session, actor: Actor, commitment_id: str) -> list[JudgementPublic]:
    """The commitment's judgements, the current one first."""
    return public(session, actor, load(session, actor, commitment_id)).judgements


def ordered(session: Session, ids: Iterable[str]) -> dict[str, list[CommitmentJudgement]]:
    """{commitment id: its judgements, the current one first}."""
    wanted = sorted(set(ids))
    out: dict[str, list[CommitmentJudgement]] = {i: [] for i in wanted}
    for start in range(0, len(wanted), 500):
        rows = session.scalars(
            select(CommitmentJudgement)
            .where(CommitmentJudgement.commitment_id.in_(wanted[start : start + 500]))
            .order_by(CommitmentJudgement.as_of.desc(), CommitmentJudgement.recorded_at.desc(),
                      CommitmentJudgement.id.desc())
        )  # fmt: skip
        for j in rows:
            out[j.commitment_id].append(j)
    return out


def is_overdue_on(row: Commitment, status: str | None, today: date) -> bool:
    return (
        row.due_on is not None
        and row.due_on < today
        and status != CommitmentStatus.IMPLEMENTED.value
    )


@dataclass(frozen=True)
class Visibility:
    """What the reader may see of the records judgements cite and of library documents."""

    events: frozenset[str]
    evidence: frozenset[str]
    documents: frozenset[str]


def _visibility(
    session: Session, actor: Actor, rows: list[Commitment],
    judged: dict[str, list[CommitmentJudgement]],
) -> Visibility:  # fmt: skip
    from tocsin.response.commitments.checks import CITED

    seen: list[frozenset[str]] = []
    for field, _, model in CITED:
        ids = sorted({i for js in judged.values() for j in js for i in getattr(j, field)})
        found = list(session.scalars(visible_query(model, actor).where(model.id.in_(ids))))
        seen.append(frozenset(r.id for r in found))
    doc_ids = sorted({r.document_id for r in rows if r.document_id})
    docs = session.execute(
        select(LibraryDocument.id, LibraryDocument.tlp, LibraryDocument.created_by)
        .where(LibraryDocument.id.in_(doc_ids))
    ).all()  # fmt: skip
    shown = frozenset(d.id for d in docs if actor.may_see(d.tlp, d.created_by))
    return Visibility(seen[0], seen[1], shown)


def judgement_public(j: CommitmentJudgement, seen: Visibility) -> JudgementPublic:
    events = [i for i in j.event_ids if i in seen.events]
    evidence = [i for i in j.evidence_ids if i in seen.evidence]
    hidden = len(j.event_ids) + len(j.evidence_ids) - len(events) - len(evidence)
    return JudgementPublic(
        id=j.id, commitment_id=j.commitment_id, status=j.status, as_of=j.as_of, source=j.source,
        source_kind=j.source_kind, event_ids=events, evidence_ids=evidence, hidden_records=hidden,
        urls=list(j.urls), indicators=list(j.indicators), note=j.note, judged_by=j.judged_by,
        recorded_at=j.recorded_at,
    )  # fmt: skip


def summaries(session: Session, actor: Actor, rows: list[Commitment]) -> list[CommitmentSummary]:
    return [summary_of(s) for s, _ in _shapes(session, actor, rows)]


def public(session: Session, actor: Actor, row: Commitment) -> CommitmentPublic:
    ((shape, _),) = _shapes(session, actor, [row])
    return shape


def _shapes(
    session: Session, actor: Actor, rows: list[Commitment]
) -> list[tuple[CommitmentPublic, Commitment]]:
    judged = ordered(session, [r.id for r in rows])
    seen = _visibility(session, actor, rows, judged)
    found = nodes(session, [r.node_id for r in rows if r.node_id])
    today = utcnow().date()
    out = []
    for row in rows:
        js = [judgement_public(j, seen) for j in judged[row.id]]
        last = js[0] if js else None
        hidden = row.document_id is not None and row.document_id not in seen.documents
        node = found.get(row.node_id or "")
        hide_action = hidden and withheld(row.action, node[0] if node else None)
        source = None
        if node is not None and not hidden:
            n, doc = node
            source = SourceParagraph(
                node_id=n.id, reference=n.reference, label=n.label, text=n.text,
                current=n.current, document_slug=doc.slug, document_title=doc.title or doc.slug,
            )  # fmt: skip
        out.append((CommitmentPublic(
            id=row.id, actor_name=row.actor_name, actor_kind=row.actor_kind,
            action="" if hide_action else row.action, action_withheld=hide_action,
            document_id=None if hidden else row.document_id,
            document_key="" if hidden else (source.document_slug if source else row.document_title),
            document_title="" if hidden else row.document_title,
            reference=source.reference if source else None, made_on=row.made_on,
            due_on=row.due_on, country=row.country, tlp=TLP(row.tlp).label,
            status=last.status if last else None, status_as_of=last.as_of if last else None,
            overdue=is_overdue_on(row, last.status if last else None, today), last_judgement=last,
            node_id=None if hidden else row.node_id, source=source, source_hidden=hidden,
            indicators=list(row.indicators), judgements=js, created_by=row.created_by,
            created_at=row.created_at, updated_by=row.updated_by, updated_at=row.updated_at,
        ), row))  # fmt: skip
    return out


def summary_of(shape: CommitmentPublic) -> CommitmentSummary:
    return CommitmentSummary.model_validate(
        {k: getattr(shape, k) for k in CommitmentSummary.model_fields}
    )


def filtered_query(actor: Actor, f: CommitmentFilters) -> Select[Any]:
    """Visible commitments matching the stored fields of ``f`` (the status is derived, so it
    is applied by ``matching``)."""
    query = visible_query(Commitment, actor)
    if f.actor:
        query = query.where(func.lower(Commitment.actor_name) == f.actor.strip().lower())
    if f.actor_kind:
        query = query.where(Commitment.actor_kind == f.actor_kind.strip().lower())
    if f.country:
        query = query.where(Commitment.country == f.country.strip().upper())
    if f.document:
        key = f.document.strip()
        slug_ids = select(LibraryDocument.id).where(LibraryDocument.slug == key)
        query = query.where(or_(Commitment.document_id.in_(slug_ids),
                                Commitment.document_id == key,
                                Commitment.document_title == key))  # fmt: skip
    if f.q:
        query = query.where(contains(Commitment.action, f.q.strip()))
    return query.order_by(Commitment.actor_name, Commitment.document_title,
                          Commitment.created_at, Commitment.id)  # fmt: skip


def matching(
    session: Session, actor: Actor, f: CommitmentFilters
) -> list[tuple[CommitmentPublic, Commitment]]:
    """Every visible commitment the filters select, in its public shape. The caller audits the
    reads of those it shows (``audit_shown``)."""
    wanted = _status_filter(f.status)
    rows = list(session.scalars(filtered_query(actor, f)))
    shapes = _shapes(session, actor, rows)
    if wanted == OVERDUE:
        shapes = [(s, r) for s, r in shapes if s.overdue]
    elif wanted == NO_JUDGEMENT:
        shapes = [(s, r) for s, r in shapes if s.status is None]
    elif wanted is not None:
        shapes = [(s, r) for s, r in shapes if s.status == wanted]
    # The query matched stored text; what the reader may not see must not be what matched.
    if f.document and f.document.strip():
        shapes = [(s, r) for s, r in shapes if not s.source_hidden]
    if f.q and f.q.strip():
        shapes = [(s, r) for s, r in shapes if not s.action_withheld]
    return shapes


def audit_shown(
    session: Session, actor: Actor, shapes: list[tuple[CommitmentPublic, Commitment]]
) -> None:
    audit_listed(session, actor, KIND, [r for _, r in shapes])
    audit_sources(session, actor, [s for s, _ in shapes])


def _status_filter(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    text = value.strip().lower()
    if text in (OVERDUE, NO_JUDGEMENT):
        return text
    return parse_status(text).value


def list_commitments(
    session: Session, actor: Actor, f: CommitmentFilters, page: int = 1, page_size: int = 50
) -> tuple[list[CommitmentSummary], int]:
    """One page of matching commitments and how many match in all. Commitments are counted in
    hundreds, not millions: the derived status is filtered in Python."""
    shapes = matching(session, actor, f)
    start = (page - 1) * page_size
    shown = shapes[start : start + page_size]
    audit_shown(session, actor, shown)
    return [summary_of(s) for s, _ in shown], len(shapes)
