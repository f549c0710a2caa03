"""Import case files (JSON Lines or CSV, docs/formats.md): validate everything, then write in bulk.

The file is read twice. The first pass checks every line (shape, codes, dates, refs) and
collects every problem; if there is one, nothing is written and :class:`ImportFailed` says
where. The second pass writes with bulk inserts, in one transaction by default. Records whose
ref is already in the database are skipped, so running an interrupted import again finishes it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy.orm import Session

from tocsin.cases.import_read import FileReader, ImportFailed, ImportProblem, Item, Problems
from tocsin.cases.import_validate import Checker
from tocsin.cases.import_write import Writer
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission

__all__ = ["ImportFailed", "ImportProblem", "ImportReport", "import_cases"]

# Rows are sent to the database every this many records, to bound memory on large files.
# An import this large changes the data enough to refresh the planner statistics.
ANALYZE_AFTER = 1000
FLUSH_RECORDS = 2000

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    file: str
    format: str
    sha256: str
    lines: int  # lines (JSON Lines) or data rows (CSV) read
    records: int  # top-level records: events, and persons, organisations, sources on own lines
    inserted: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    commits: int = 0
    seconds: float = 0.0

    @property
    def events(self) -> int:
        return self.inserted.get("events", 0)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def import_cases(
    db: Database,
    actor: Actor,
    path: Path,
    *,
    commit_every: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a ``.jsonl`` or ``.csv`` file; all or nothing unless ``commit_every`` is given.

    With ``commit_every=N`` the import commits after every N events (each batch all or nothing),
    so a crash leaves the database as it was before or after a batch; running the same file
    again skips what was committed. ``progress(done, total)`` counts records written.
    """
    actor.require(Permission.IMPORT)
    if commit_every is not None and commit_every < 1:
        raise ValidationFailed.on("commit_every", "must be at least 1")
    started = perf_counter()
    reader = FileReader(Path(path))
    with _collector_paused(), db.sessions() as session:
        try:
            if commit_every is None:
                report = _in_one_pass(session, actor, reader, progress)
            else:
                report = _in_two_passes(session, actor, reader, commit_every, progress)
            report.seconds = perf_counter() - started
            _audit(session, actor, report, final=True)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    if report.events >= ANALYZE_AFTER:
        db.refresh_statistics()
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while importing.

    An import keeps a growing map of refs and ids alive; every full collection walks all of
    it, which made collection a third of the import time. The objects an import makes hold no
    reference cycles that need the collector, and it runs again as soon as the import ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _in_one_pass(
    session: Session, actor: Actor, reader: FileReader, progress: Progress | None
) -> ImportReport:
    """All or nothing in one transaction, so checking and writing can share one read of the
    file: each chunk is checked, then written; after the first problem nothing more is
    written, the rest is still checked (to report every problem) and the whole is rolled back.
    """
    problems = Problems()
    checker = Checker(session, actor, problems, reader.unit)
    writer = Writer(session, actor, {kind: {} for kind in checker.known})
    chunk: list[Item] = []

    def write_chunk() -> None:
        for kind, ids in checker.resolve(session).items():
            writer.ids[kind].update(ids)
        if not problems:
            for item in chunk:
                writer.add(item)
            writer.flush()
            if progress:
                progress(checker.records, 0)
        chunk.clear()

    for item in reader.items(problems):
        checker.check(item)
        chunk.append(item)
        if problems.full:
            break
        if len(chunk) >= FLUSH_RECORDS:
            write_chunk()
    write_chunk()
    if not reader.rejected:  # what an unreadable line declared is unknown: no follow-on noise
        checker.finish()
    if not problems and checker.records == 0:
        problems.add(0, "", "the file holds no records")
    if problems:
        raise problems.fail(reader.path.name, reader.unit)
    report = ImportReport(reader.path.name, reader.format, reader.sha256, reader.lines,
                          checker.records)  # fmt: skip
    _tally(writer, report)
    if progress:
        progress(checker.records, checker.records)
    return report


def _in_two_passes(
    session: Session,
    actor: Actor,
    reader: FileReader,
    commit_every: int,
    progress: Progress | None,
) -> ImportReport:
    """Batches commit as they go, so the whole file must be checked before the first one."""
    known, records = _validate(session, actor, reader)
    # End the read snapshot: SQLite cannot turn a stale read into a write.
    session.rollback()
    report = ImportReport(reader.path.name, reader.format, reader.sha256, reader.lines, records)
    _write(session, actor, reader, known, report, commit_every, progress)
    return report


def _validate(session: Session, actor: Actor,
              reader: FileReader) -> tuple[dict[str, dict[str, str]], int]:  # fmt: skip
    """First pass: every problem in the file, or the ids of refs already stored."""
    problems = Problems()
    checker = Checker(session, actor, problems, reader.unit)
    for item in reader.items(problems):
        checker.check(item)
        if problems.full:
            break
    if not problems and checker.records == 0:
        problems.add(0, "", "the file holds no records")
    # Refs are checked against the database even when some lines had problems, to report
    # everything at once; not when a record was unreadable, as what it declared is unknown.
    known: dict[str, dict[str, str]] = {}
    if not problems.full and not reader.rejected:
        known = checker.resolve(session)
        checker.finish()
    if problems:
        raise problems.fail(reader.path.name, reader.unit)
    return known, checker.records


def _write(session: Session, actor: Actor, reader: FileReader, known: dict[str, dict[str, str]],
           report: ImportReport, commit_every: int | None,
           progress: Progress | None) -> None:  # fmt: skip
    """Second pass: rows in bulk, committed per batch of events if asked."""
    sha = report.sha256
    writer = Writer(session, actor, known)
    problems = Problems()
    done = 0
    for item in reader.items(problems):
        writer.add(item)
        done += 1
        if commit_every and writer.events_since_commit >= commit_every:
            writer.flush()
            _commit_batch(session, actor, writer, report)
        elif writer.buffered >= FLUSH_RECORDS:
            writer.flush()
        else:
            continue
        if progress:
            progress(done, report.records)
    writer.flush()
    _tally(writer, report)
    if problems or reader.sha256 != sha:
        # Validated bytes are the only ones allowed in; a file edited meanwhile is refused.
        problems.add(0, "", "the file changed while it was being imported; run the import again")
        raise problems.fail(reader.path.name, reader.unit)
    if progress:
        progress(done, report.records)


def _tally(writer: Writer, report: ImportReport) -> None:
    report.inserted = dict(sorted(writer.inserted.items()))
    report.skipped = dict(sorted(writer.skipped.items()))


def _commit_batch(session: Session, actor: Actor, writer: Writer, report: ImportReport) -> None:
    # Each committed batch carries its own audit entry, so no committed row goes unaudited.
    _tally(writer, report)
    _audit(session, actor, report, final=False)
    session.commit()
    report.commits += 1
    writer.events_since_commit = 0


def _audit(session: Session, actor: Actor, report: ImportReport, final: bool) -> None:
    detail: dict[str, Any] = {
        "file": report.file, "format": report.format, "sha256": report.sha256,
        "lines": report.lines, "inserted": report.inserted, "skipped": report.skipped,
    }  # fmt: skip
    if report.commits or not final:
        detail.update(batch=report.commits + 1, final=final)
    summary = f"imported {report.events} events from {report.file}"
    audit.record(session, actor, audit.Action.IMPORT, "import", report.sha256, detail, summary)
    if final:
        report.commits += 1
