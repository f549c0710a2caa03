"""Full-text search over events: SQLite FTS5 or PostgreSQL text search, behind one function.

The index is kept by the database itself (FTS5 triggers, a PostgreSQL expression index; see the
first migration), so every way a row is written, imports and restores included, is searchable.
Words match by prefix and all must match; case and (on SQLite) accents do not matter.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, text

# What PostgreSQL indexes, spelled exactly as in the index so the planner can use it.
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(events.title, '') || ' ' || coalesce(events.description, ''))"
)
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 12


def words(query: str) -> list[str]:
    return _WORD.findall(query.casefold())[:MAX_WORDS]


def event_text_matches(dialect: str, query: str) -> ColumnElement[bool] | None:
    """A filter for events whose title or description hold every word of ``query``;
    None when ``query`` has no words to search for (punctuation only)."""
    found = words(query)
    if not found:
        return None
    if dialect == "sqlite":
        expression = " AND ".join(f'"{w}"*' for w in found)
        hits: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text("events_fts"))
            .where(text("events_fts MATCH :fts_query").bindparams(fts_query=expression))
        )
        return literal_column("events.rowid").in_(hits)
    tsquery = " & ".join(f"{w}:*" for w in found)
    return literal_column(PG_DOCUMENT).op("@@")(func.to_tsquery("simple", tsquery))
