"""Screening a whole CSV file (applicants, partners...) and writing each row's best hits."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.watchlists.csv_list import parse_identifiers, split
from tocsin.crosscheck.watchlists.entries import clean_text
from tocsin.crosscheck.watchlists.screen import ScreenQuery, screen_many

OUTPUT = ("id", "name", "rank", "score", "source", "list", "record_id", "external_id",
          "caption", "explanation")  # fmt: skip


@dataclass
class FileReport:
    rows: int = 0
    rows_with_hits: int = 0
    hits: int = 0


def read_queries(text: TextIO) -> list[tuple[str, ScreenQuery]]:
    """Every row checked before any is screened; a bad one is named by line and column."""
    reader = csv.DictReader(text)
    if "name" not in (reader.fieldnames or []):
        raise ValidationFailed.on("columns", "missing name (the header needs at least name)")
    queries = []
    try:
        for n, row in enumerate(reader, 1):
            where = f"line {reader.line_num}"

            def cell(column: str, row: dict[str, str | None] = row, where: str = where) -> str:
                return clean_text(row.get(column) or "", f"{where} {column}", 1000)

            try:
                query = ScreenQuery.make(
                    cell("schema") or "person", cell("name"), split(cell("aliases")),
                    cell("birth_date") or None, cell("nationality") or None,
                    parse_identifiers(cell("identifiers")))  # fmt: skip
            except ValidationFailed as exc:
                problem = exc.errors[0] if exc.errors else None
                field = f"{where} {problem.field}" if problem else where
                raise ValidationFailed.on(field, problem.message if problem else exc.detail
                                          ) from None  # fmt: skip
            queries.append((cell("id") or str(n), query))
    except csv.Error as exc:
        raise ValidationFailed.on(f"line {reader.line_num}", f"is not CSV ({exc})") from None
    return queries


def screen_file(
    session: Session, actor: Actor, source: TextIO, out: TextIO, limit: int, threshold: float,
    progress: Callable[[int, int], None] | None = None,
) -> FileReport:  # fmt: skip
    queries = read_queries(source)
    report = FileReport(rows=len(queries))
    writer = csv.writer(out)
    writer.writerow(OUTPUT)
    step = (lambda done: progress(done, len(queries))) if progress else None
    by_id = dict(queries)
    for row_id, hits in screen_many(session, actor, queries, limit, threshold, step):
        name = by_id[row_id].name
        if not hits:
            writer.writerow([row_id, name, "", "", "", "", "", "", "", "no hit"])
        report.rows_with_hits += bool(hits)
        report.hits += len(hits)
        for rank, hit in enumerate(hits, 1):
            writer.writerow([row_id, name, rank, f"{hit.score:.4f}", hit.source, hit.collection,
                             hit.record_id, hit.external_id or "", hit.caption, hit.explain()])
    return report
