"""Helpers every case service shares: fetch within clearance, apply updates, paginate, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.orm import Session

from tocsin.cases.schemas import Page
from tocsin.core import audit
from tocsin.core.access import Actor, ensure_visible, is_protected, visible
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.textmatch import Contains, ContainsExact
from tocsin.core.tlp import TLP

M = TypeVar("M")
T = TypeVar("T")


def read_is_audited(kind: str, tlp: int) -> bool:
    """Protected records (AMBER and above) and every person: a name can cost a life."""
    return is_protected(tlp) or kind == "person"


def fetch(session: Session, model: type[M], record_id: str, actor: Actor, kind: str) -> M:
    """Load one record the actor may see; audit the read if it is protected."""
    actor.require(Permission.READ)
    record = session.get(model, record_id)
    ensure_visible(record, actor)
    assert record is not None
    if read_is_audited(kind, record.tlp):  # type: ignore[attr-defined]
        audit.record(session, actor, audit.Action.READ, kind, record_id)
    return record


def reference(
    session: Session, model: type[M], record_id: str | None, actor: Actor, field: str
) -> M | None:
    """Resolve an id given in input; an id the actor cannot see is reported as unknown."""
    if record_id is None:
        return None
    record = session.get(model, record_id)
    if record is None or not actor.may_see(record.tlp, record.created_by):  # type: ignore[attr-defined]
        raise ValidationFailed.on(field, f"no record with id {record_id!r}")
    return record


def set_fields(
    record: Any,
    data: BaseModel,
    fields: tuple[str, ...],
    nullable: frozenset[str] = frozenset(),
) -> list[str]:
    """Copy the ``fields`` the caller sent (None clears only the ``nullable`` ones) onto
    ``record``; return the names that changed."""
    given = data.model_fields_set
    changed = []
    for key in fields:
        value = getattr(data, key)
        if (
            key in given
            and (value is not None or key in nullable)
            and getattr(record, key) != value
        ):
            setattr(record, key, value)
            changed.append(key)
    return changed


def finish_update(
    session: Session,
    actor: Actor,
    record: Any,
    kind: str,
    changed: list[str],
    tlp: str | None = None,
) -> None:
    """The common end of every edit: a new sharing level (if allowed), the editor, the audit."""
    if tlp is not None:
        rank = changed_tlp(actor, record, tlp)
        if rank != record.tlp:
            record.tlp = rank
            changed.append("tlp")
    if changed:
        record.updated_by = actor.user_id
        written(session, actor, audit.Action.UPDATE, kind, record.id, changed)
    session.flush()


def tlp_rank(label: str) -> int:
    return int(TLP.parse(label))


def contains(column: Any, text: str, fold_case: bool = True) -> ColumnElement[bool]:
    """``column`` contains ``text`` literally (a user's % and _ are not wildcards), ignoring
    case unless ``fold_case`` is false."""
    return Contains(column, text) if fold_case else ContainsExact(column, text)


def changed_tlp(actor: Actor, record: Any, label: str) -> int:
    """The new level of an edited record.

    Raising a colleague's record above your own clearance would make it vanish from under you
    mid-edit, so only its author or a cleared user may. Lowering it shows it to more people
    (a RED witness statement turned GREEN reaches every partner): a release decision for its
    author or a role that may release, never a side effect of an edit.
    """
    rank = tlp_rank(label)
    mine = record.created_by == actor.user_id
    if rank > actor.clearance and not mine:
        raise ValidationFailed.on(
            "tlp",
            f"cannot raise another person's record above your own clearance "
            f"(TLP:{actor.clearance.label}); ask a coordinator",
        )
    if rank < record.tlp and not mine and not actor.can(Permission.RELEASE):
        raise ValidationFailed.on(
            "tlp",
            f"only the record's author or a coordinator may lower its sharing level "
            f"(now TLP:{TLP(record.tlp).label})",
        )
    return rank


# Past this many matches a list says "more than 10,000" instead of counting on: an exact count
# of a broad filter over a large case file costs more than the page itself.
COUNT_CAP = 10_000


def paginate(
    session: Session,
    query: Select[Any],
    page: int,
    page_size: int,
    count_query: Select[Any] | None = None,
) -> tuple[list[Any], int, bool]:
    """One page of ``query``, the number of matches (up to COUNT_CAP), and whether it is exact.
    ``count_query`` selects the same rows in a shape cheaper to count, where there is one."""
    matches: Select[Any] = (
        (count_query if count_query is not None else query)
        .order_by(None)
        .with_only_columns(literal_column("1"), maintain_column_froms=True)
    )
    capped = select(func.count()).select_from(matches.limit(COUNT_CAP + 1).subquery())
    total = session.scalar(capped) or 0
    rows = list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    return rows, min(total, COUNT_CAP), total <= COUNT_CAP


def page_of(
    session: Session,
    actor: Actor,
    kind: str,
    query: Select[Any],
    page: int,
    page_size: int,
    convert: Callable[[list[Any]], list[T]],
    count_query: Select[Any] | None = None,
) -> Page[T]:
    """A page of a list endpoint: the rows, counted, audited as read, in their public shape."""
    rows, total, exact = paginate(session, query, page, page_size, count_query)
    audit_listed(session, actor, kind, rows)
    return Page[Any](
        items=convert(rows), total=total, total_exact=exact, page=page, page_size=page_size
    )


def visible_query(model: Any, actor: Actor) -> Select[Any]:
    actor.require(Permission.READ)
    return select(model).where(visible(model, actor))


def audit_listed(session: Session, actor: Actor, kind: str, rows: list[Any]) -> None:
    protected = [r.id for r in rows if read_is_audited(kind, r.tlp)]
    audit.record_reads(session, actor, kind, protected)


def written(
    session: Session, actor: Actor, action: str, kind: str, record_id: str, fields: Any = None
) -> None:
    detail = {"fields": sorted(fields)} if fields else {}
    audit.record(session, actor, action, kind, record_id, detail)
