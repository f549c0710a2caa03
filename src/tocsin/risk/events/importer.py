"""Import an ACLED or UCDP GED export into the event-data file, all or nothing.

DuckDB reads the whole file in parallel into a staging table (text in, typed columns out, one
SQL pass), the checks run over the staging table, and only then does one transaction replace
earlier copies of the same events and insert the rest. A refused file leaves the table as it was.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tocsin.core.access import Actor
from tocsin.core.errors import FieldProblem, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.events import countries
from tocsin.risk.events.layouts import STAGE_COLUMNS, Layout, get_layout
from tocsin.risk.events.models import ImportReport
from tocsin.risk.events.staging import (
    Progress,
    read_header,
    reader_error,
    restage_numbered,
    run,
    stage_sql,
)
from tocsin.risk.events.store import COLUMNS, connect

if TYPE_CHECKING:
    import duckdb

SHOWN_PER_COLUMN = 5  # bad lines named per column; the rest are counted


def _check(con: duckdb.DuckDBPyConnection, layout: Layout, numbered_sql: str) -> None:
    tests = ", ".join(f"count(*) FILTER (WHERE {c.bad})" for c in layout.checks)
    counts = con.execute(f"SELECT {tests} FROM stage").fetchone()  # noqa: S608 - our SQL
    assert counts is not None
    if not any(counts):
        return
    restage_numbered(con, numbered_sql)
    problems: list[FieldProblem] = []
    for check, bad in zip(layout.checks, counts, strict=True):
        if not bad:
            continue
        rows = con.execute(
            f"SELECT line, {check.raw} FROM stage WHERE {check.bad}"  # noqa: S608 - our SQL
            f" ORDER BY line LIMIT {SHOWN_PER_COLUMN}"
        ).fetchall()
        for line, raw in rows:
            value = "an empty value" if raw is None else repr(raw)
            problems.append(FieldProblem(check.column, f"line {line}: "
                                         + check.message.format(value=value)))
        if bad > SHOWN_PER_COLUMN:
            problems.append(FieldProblem(check.column, f"... and {bad - SHOWN_PER_COLUMN} more"))
    total = sum(counts)
    raise ValidationFailed(
        f"{total} bad value(s) in the {layout.title} file; nothing was imported", problems
    )


def _dedupe(con: duckdb.DuckDBPyConnection, numbered_sql: str) -> int:
    """Keep one row per id: the one updated last, else the one further down the file."""
    row = con.execute("SELECT count(*), count(DISTINCT source_id) FROM stage").fetchone()
    assert row is not None
    rows, distinct = row
    if distinct < rows:
        restage_numbered(con, numbered_sql)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM stage QUALIFY row_number()"
            " OVER (PARTITION BY source_id ORDER BY source_updated DESC NULLS LAST,"
            " line DESC) = 1"
        )
    return int(rows - distinct)


def _country_map(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve each distinct (ISO numeric, GW number, name) of the file once, in Python."""
    keys = con.execute("SELECT DISTINCT country_num, gw, country_name FROM stage").fetchall()
    rows = []
    for num, gw, name in keys:
        alpha3 = countries.resolve(num if num >= 0 else None, gw if gw >= 0 else None, name)
        rows.append((num, gw, name, alpha3, countries.alpha2_of(alpha3)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE country_map (country_num INTEGER, gw INTEGER,"
        " country_name VARCHAR, alpha3 VARCHAR, alpha2 VARCHAR)"
    )
    if rows:
        con.executemany("INSERT INTO country_map VALUES (?, ?, ?, ?, ?)", rows)


_NEWER = "coalesce(e.source_updated > s.source_updated, false)"


def _write(con: duckdb.DuckDBPyConnection, dataset: str, tlp: TLP,
           progress: Progress | None) -> tuple[int, int, int]:
    """Replace earlier copies and insert, in one transaction. Returns added, replaced, kept."""
    con.begin()
    try:
        stored = con.execute("SELECT count(*) FROM events WHERE dataset = ?", [dataset]).fetchone()
        if stored and stored[0]:
            counts = con.execute(
                f"SELECT count(*) FILTER (WHERE e.source_id IS NULL),"  # noqa: S608 - our SQL; file names quoted
                f" count(*) FILTER (WHERE e.source_id IS NOT NULL AND NOT {_NEWER}),"
                f" count(*) FILTER (WHERE {_NEWER})"
                f" FROM stage s LEFT JOIN (SELECT source_id, source_updated FROM events"
                f" WHERE dataset = ?) e USING (source_id)",
                [dataset],
            ).fetchone()
            assert counts is not None
            added, replaced, kept = (int(n) for n in counts)
            con.execute(
                f"DELETE FROM events e USING stage s WHERE e.dataset = ?"  # noqa: S608 - our SQL; file names quoted
                f" AND e.source_id = s.source_id AND NOT {_NEWER}",
                [dataset],
            )
            only_new = (
                " WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dataset = $dataset"
                " AND e.source_id = s.source_id)"
            )
        else:
            row = con.execute("SELECT count(*) FROM stage").fetchone()
            added, replaced, kept = (int(row[0]) if row else 0), 0, 0
            only_new = ""
        picked = [c for c in STAGE_COLUMNS if c not in ("country_num", "gw")]
        values = {c: f"s.{c}" for c in picked}
        values.update(dataset="$dataset", country="m.alpha3", country_alpha2="m.alpha2",
                      country_name="nullif(s.country_name, '')", event_count="1",
                      tlp="$tlp", imported_at="$now")
        run(
            con,
            f"INSERT INTO events ({', '.join(COLUMNS)}) SELECT"  # noqa: S608 - our SQL; file names quoted
            f" {', '.join(values[c] for c in COLUMNS)} FROM stage s"
            f" JOIN country_map m USING (country_num, gw, country_name){only_new}",
            "writing",
            progress,
            {"dataset": dataset, "tlp": int(tlp), "now": datetime.now(UTC).replace(tzinfo=None)},
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return added, replaced, kept


def import_events(
    actor: Actor,
    file: Path,
    db_path: Path,
    layout: str = "auto",
    *,
    tlp: TLP = TLP.CLEAR,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV export (ACLED or UCDP GED layout, detected from the header by default).

    Rows already imported (same dataset and id) are replaced, unless the stored copy says it
    was updated later (ACLED's ``timestamp``). Public datasets are CLEAR; give ``tlp`` when a
    licence restricts who may see the data. Refuses the whole file on a missing required
    column or a bad value, naming the column and the line.
    """
    import duckdb

    actor.require(Permission.ASSESS)
    started = time.perf_counter()
    header, delimiter = read_header(file)
    spec = get_layout(layout, header)
    staging = stage_sql(file, spec, header, delimiter)
    numbered_sql = stage_sql(file, spec, header, delimiter, numbered=True)
    with connect(db_path) as con:
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
        try:
            run(con, staging, "reading", progress)
        except duckdb.Error as exc:
            raise ValidationFailed.on("file", f"not a readable CSV: {reader_error(exc)}") from None
        if progress:
            progress("checking", 0, 1)
        _check(con, spec, numbered_sql)
        duplicates = _dedupe(con, numbered_sql)
        _country_map(con)
        row = con.execute("SELECT count(*) FROM stage").fetchone()
        added, replaced, kept = _write(con, spec.dataset, tlp, progress)
    return ImportReport(
        dataset=spec.dataset,
        rows=(int(row[0]) if row else 0) + duplicates,
        added=added,
        replaced=replaced,
        kept_newer=kept,
        duplicates_in_file=duplicates,
        seconds=round(time.perf_counter() - started, 3),
    )
