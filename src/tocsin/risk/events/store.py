"""The event-data file: one DuckDB database beside the main store, one common table.

DuckDB, not the SQL store, because the indicators scan millions of rows per question and a
columnar engine in-process answers in milliseconds. Every row keeps its sharing level, so a
figure shown to someone counts only the rows they may see.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tocsin.core.errors import Conflict

if TYPE_CHECKING:
    import duckdb

    from tocsin.core.settings import Settings

FILE_NAME = "events.duckdb"
SCHEMA_VERSION = "1"
# DuckDB spills to disk past this, so an import of millions of rows stays within a small server.
MEMORY_LIMIT = "1GB"
LOCK_WAIT_S = 10.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    dataset VARCHAR NOT NULL,          -- acled, ucdp, tocsin (LAYOUTS and own_events)
    source_id VARCHAR NOT NULL,        -- the dataset's own id; (dataset, source_id) is the key
    event_date DATE NOT NULL,
    date_precision VARCHAR,            -- day, week, month, year
    country VARCHAR,                   -- ISO 3166-1 alpha-3 where derivable
    country_alpha2 VARCHAR,
    country_name VARCHAR,              -- as the dataset spelt it
    admin1 VARCHAR,
    admin2 VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    event_type VARCHAR,
    sub_event_type VARCHAR,
    against_civilians BOOLEAN NOT NULL,
    perpetrator VARCHAR NOT NULL,      -- models.Perpetrator
    actor VARCHAR,                     -- the perpetrator as the dataset names it
    fatalities INTEGER NOT NULL,
    event_count TINYINT NOT NULL,      -- 1, or 0 on the extra rows of one documented event
    tlp TINYINT NOT NULL,              -- core.tlp.TLP
    source_updated TIMESTAMP,          -- when the dataset last changed the event, if it says
    imported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS event_data_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
"""

COLUMNS = (
    "dataset", "source_id", "event_date", "date_precision", "country", "country_alpha2",
    "country_name", "admin1", "admin2", "latitude", "longitude", "event_type", "sub_event_type",
    "against_civilians", "perpetrator", "actor", "fatalities", "event_count", "tlp",
    "source_updated", "imported_at",
)


def default_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the event-data file, created with its table on first use.

    ``read_only`` only means "do not create the file": an existing file is always opened the
    same way, because DuckDB refuses two configurations of one file in one process (a web
    request reading while another imports). Another process holding the file (an import from
    the command line) is waited for, briefly, then reported as a conflict.
    """
    import duckdb

    if read_only and not path.exists():
        con = duckdb.connect()  # nothing imported yet: an empty table answers every question
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path)
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        spill = str(path.parent / "events.duckdb.tmp").replace("'", "''")
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute(SCHEMA)
        con.execute(
            "INSERT OR IGNORE INTO event_data_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
        )
        yield con
    finally:
        con.close()


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    import duckdb

    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise Conflict(
                    "the event-data file is in use by another process (an import or sync);"
                    " try again when it has finished"
                ) from None
            time.sleep(0.2)
