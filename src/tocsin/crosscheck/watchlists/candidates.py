"""Who a query is compared with: entries of imported lists that share a blocking key."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.crosscheck.names import PreparedName, prepare
from tocsin.crosscheck.watchlists.models import WatchlistEntry, WatchlistKey

WATCHLIST, PROJECT = "watchlist", "project"
MAX_BY_NAME = 200  # entries sharing the most name keys; identifier matches always come too


@dataclass
class Candidate:
    source: str  # watchlist or project
    collection: str  # the list's name, or "persons" / "organisations" for project records
    record_id: str
    external_id: str | None
    schema: str
    caption: str
    names: list[tuple[PreparedName, bool]]  # (name, weak alias)
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    tlp: int | None = None  # project records only


def from_entry(row: WatchlistEntry) -> Candidate:
    names = [(prepare(n["name"][:1000]), bool(n.get("weak"))) for n in row.names]
    return Candidate(WATCHLIST, row.list_name, row.id, row.external_id, row.schema, row.caption,
                     names, list(row.birth_dates), list(row.nationalities),
                     list(row.identifiers))  # fmt: skip


def watchlist_candidates(
    session: Session, schema: str, names: set[str], ids: set[str]
) -> list[Candidate]:
    by_name = (
        select(WatchlistKey.entry_id)
        .join(WatchlistEntry, WatchlistEntry.id == WatchlistKey.entry_id)
        .where(WatchlistKey.key.in_(sorted(names)), WatchlistEntry.schema == schema)
        .group_by(WatchlistKey.entry_id)
        .order_by(func.count().desc(), WatchlistKey.entry_id)
        .limit(MAX_BY_NAME)
    )
    found = set(session.scalars(by_name)) if names else set()
    if ids:
        found |= set(session.scalars(select(WatchlistKey.entry_id).where(
            WatchlistKey.key.in_(sorted(ids)))))  # fmt: skip
    if not found:
        return []
    rows = session.scalars(
        select(WatchlistEntry).where(WatchlistEntry.id.in_(sorted(found)),
                                     WatchlistEntry.schema == schema)
    )  # fmt: skip
    return [from_entry(row) for row in rows]
