"""The implementation dashboard: per actor and per document, how many commitments stand where
(by their current status), the share implemented, the overdue and the never judged."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.response.commitments.schemas import (
    CommitmentFilters,
    CommitmentSummary,
    Dashboard,
    StatusCounts,
)
from tocsin.response.commitments.views import audit_shown, matching, summary_of
from tocsin.response.commitments.vocabulary import NO_JUDGEMENT, CommitmentStatus

STATUS_COLUMNS = (*(s.value for s in CommitmentStatus), NO_JUDGEMENT)


def counts(key: str, title: str, shapes: Iterable[CommitmentSummary]) -> StatusCounts:
    tally = dict.fromkeys(STATUS_COLUMNS, 0)
    overdue = total = 0
    for c in shapes:
        total += 1
        tally[c.status or NO_JUDGEMENT] += 1
        overdue += c.overdue
    done = tally[CommitmentStatus.IMPLEMENTED.value]
    return StatusCounts(
        key=key, title=title, total=total, counts=tally,
        implemented_share=(done / total) if total else 0.0, overdue=overdue,
        no_judgement=tally[NO_JUDGEMENT],
    )  # fmt: skip


def grouped(
    shapes: list[CommitmentSummary], key: Callable[[CommitmentSummary], tuple[str, str]]
) -> list[StatusCounts]:
    groups: dict[tuple[str, str], list[CommitmentSummary]] = {}
    for c in shapes:
        groups.setdefault(key(c), []).append(c)
    rows = [counts(k, t, members) for (k, t), members in groups.items()]
    return sorted(rows, key=lambda r: (-r.total, r.title.lower()))


def document_of(c: CommitmentSummary) -> tuple[str, str]:
    return c.document_key, c.document_title or c.document_key


def dashboard(session: Session, actor: Actor, filters: CommitmentFilters) -> Dashboard:
    shapes = matching(session, actor, filters)
    audit_shown(session, actor, shapes)
    listed = [summary_of(s) for s, _ in shapes]
    return Dashboard(
        filters=filters,
        as_of=utcnow().date(),
        total=counts("", "", listed),
        by_actor=grouped(listed, lambda c: (c.actor_name, c.actor_name)),
        by_document=grouped(listed, document_of),
        commitments=listed,
    )
