"""Reading a CSV export into DuckDB's staging table: one parallel pass, text in, typed
columns out, with the layout's mapping as SQL. Nothing here writes the event table."""

from __future__ import annotations

import csv
import gzip
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tocsin.core.errors import ValidationFailed
from tocsin.risk.events.layouts import Layout, quote

if TYPE_CHECKING:
    import duckdb

# (stage, done, total): the CLI's Rich bar takes exactly this.
Progress = Callable[[str, int, int], None]


def read_header(path: Path) -> tuple[list[str], str]:
    """The header row and the delimiter it uses (comma, semicolon, tab or bar)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            line = f.readline(1_000_000)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed.on("file", f"cannot read {path.name}: {exc}") from None
    if not line.strip():
        raise ValidationFailed.on("file", f"{path.name} is empty (no header line)")
    delimiter = max(",;\t|", key=line.count)
    return next(csv.reader([line], delimiter=delimiter)), delimiter


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stage_sql(path: Path, layout: Layout, header: list[str], delimiter: str,
               numbered: bool = False) -> str:
    """The staging table. ``numbered`` adds each row's line in the file (header = line 1):
    DuckDB's parallel reader does not keep the file's order, so numbering reads on one thread
    and is done only when a line must be named or two rows of one id ordered."""
    present = layout.columns_in(header)
    inner = [f"{quote(src)} AS {quote(col)}" for col, src in present.items()]
    inner += [f"NULL::VARCHAR AS {quote(c)}" for c in layout.optional if c not in present]
    line = "row_number() OVER () + 1" if numbered else "NULL::BIGINT"
    stage = [f"{sql} AS {name}" for name, sql in layout.stage.items()]
    outer = ", ".join([f"{line} AS line", *stage])
    # read_header has the column names: naming every column as text spares DuckDB's sniffer, whose
    # errors on a malformed file say less than the reader's own (which name the line).
    names = [h if h not in header[:i] else f"{h}_{i}" for i, h in enumerate(header)]
    columns = ", ".join(f"{sql_text(n)}: 'VARCHAR'" for n in names)
    reader = (
        f"read_csv({sql_text(str(path))}, header = true, auto_detect = false,"
        f" columns = {{{columns}}}, delim = {sql_text(delimiter)}, quote = '\"',"
        f" escape = '\"')"
    )
    return (
        f"CREATE OR REPLACE TEMP TABLE stage AS SELECT {outer}"  # noqa: S608 - our SQL; file names quoted
        f" FROM (SELECT {', '.join(inner)} FROM {reader}) AS src"
    )


def run(con: duckdb.DuckDBPyConnection, sql: str, stage: str, progress: Progress | None,
         params: dict[str, object] | None = None) -> None:
    """Run one long statement, reporting DuckDB's own progress estimate while it works."""
    if progress is None:
        con.execute(sql, params)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql, params)
        except BaseException as exc:  # handed back to the calling thread below
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = con.query_progress()
        if done >= 0:
            progress(stage, int(done), 100)
    if failure:
        raise failure[0]
    progress(stage, 100, 100)


def reader_error(exc: Exception) -> str:
    """DuckDB's CSV error, without its advice on reader options (which the user cannot set)."""
    text = str(exc).strip()
    line = re.search(r"CSV Error on Line: (\d+)", text)
    kept = []
    for part in text.splitlines()[1:]:
        if part.startswith("Possible fixes"):
            break
        if part.strip() and not part.startswith("Original Line"):
            kept.append(part.strip())
    what = "; ".join(kept) or (text.splitlines()[0] if text else type(exc).__name__)
    return f"line {line.group(1)}: {what}" if line else what


def restage_numbered(con: duckdb.DuckDBPyConnection, numbered_sql: str) -> None:
    con.execute("SET threads = 1")
    try:
        con.execute(numbered_sql)
    finally:
        con.execute("RESET threads")
