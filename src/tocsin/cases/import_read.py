"""Reading an import file into line models, collecting every problem with its line and field.

A file is read twice (validate everything, then write), so reading is a generator that can be
started again; it hashes the bytes it reads so the importer notices a file changed in between.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from tocsin.cases.import_lines import Line, parse_line
from tocsin.core.errors import FieldProblem, TocsinError, ValidationFailed

Format = Literal["jsonl", "csv"]
UNITS: dict[str, str] = {"jsonl": "line", "csv": "row"}
MAX_PROBLEMS = 100

# JSON may spell a NUL or a lone UTF-16 surrogate as an escape; neither can be stored (PostgreSQL
# refuses NUL in text, UTF-8 cannot encode a lone surrogate), so such lines are refused up front.
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class ImportProblem:
    line: int  # line (JSON Lines) or row (CSV, the header is row 1); 0 for the file as a whole
    field: str  # JSON path such as acts[0].act_type, or a CSV column name
    message: str


class ImportFailed(TocsinError):
    """The file was refused and nothing was written; ``problems`` says where and why."""

    status = 422
    title = "Import failed"

    def __init__(self, file: str, unit: str, problems: list[ImportProblem], more: int = 0) -> None:
        self.file, self.unit, self.problems, self.more = file, unit, problems, more
        lines = [self.describe(p) for p in problems]
        if more:
            lines.append(f"... and {more} more problems")
        summary = f"{file}: {len(problems) + more} problem(s), nothing was imported"
        super().__init__(
            "\n".join([summary, *lines]),
            [FieldProblem(self.where(p), p.message) for p in problems],
        )

    def where(self, p: ImportProblem) -> str:
        place = f"{self.unit} {p.line}" if p.line else "file"
        return f"{place}: {p.field}" if p.field else place

    def describe(self, p: ImportProblem) -> str:
        return f"{self.where(p)}: {p.message}"


@dataclass
class Problems:
    """Problems found so far; past the cap they are only counted, so a bad file stays readable."""

    cap: int = MAX_PROBLEMS
    items: list[ImportProblem] = field(default_factory=list)
    more: int = 0

    def add(self, line: int, field_name: str, message: str) -> None:
        if len(self.items) < self.cap:
            self.items.append(ImportProblem(line, field_name, message))
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        return len(self.items) >= self.cap

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self, file: str, unit: str) -> ImportFailed:
        return ImportFailed(file, unit, list(self.items), self.more)


class Origin(Protocol):
    """Where a field of a record came from, for formats whose records span several rows."""

    def locate(self, field_name: str) -> tuple[int, str]: ...


@dataclass(slots=True)
class Item:
    line: int
    record: Line
    origin: Origin | None = None

    def where(self, field_name: str) -> tuple[int, str]:
        if self.origin is None:
            return self.line, field_name
        return self.origin.locate(field_name)


def format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValidationFailed.on("path", f"cannot import {path.name!r}: use a .jsonl or .csv file")


def _unstorable(value: Any) -> bool:
    """Does a decoded JSON value hold a string UTF-8 cannot encode (a lone surrogate)?"""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def decode_json(text: str) -> tuple[Any, str | None]:
    """The value of one JSON line, or why it is not usable JSON."""
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        return None, "text holds a NUL character (\\u0000), which cannot be stored"
    try:
        data = json.loads(text)
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as exc:  # JSONDecodeError, and over-long integer literals
        return None, f"invalid JSON: {exc}"
    if ("\\ud" in text or "\\uD" in text) and _SURROGATE_ESCAPE.search(text) and _unstorable(data):
        return None, "text holds an unpaired UTF-16 surrogate escape, which cannot be stored"
    return data, None


class FileReader:
    """One import file: its format, and a fresh pass over its records each time it is asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format: Format = format_of(path)
        self.unit = UNITS[self.format]
        self.lines = 0
        self.rejected = 0  # records refused by their shape (so their refs are unknown)
        self.sha256 = ""

    def items(self, problems: Problems) -> Iterator[Item]:
        if not self.path.is_file():
            problems.add(0, "", f"no such file: {self.path}")
            return
        digest = hashlib.sha256()
        self.rejected = 0
        if self.format == "jsonl":
            yield from self._jsonl(problems, digest)
        else:
            from tocsin.cases.import_csv import csv_items

            yield from csv_items(self, problems, digest)
        self.sha256 = digest.hexdigest()

    def _jsonl(self, problems: Problems, digest: Any) -> Iterator[Item]:
        self.lines = 0
        with self.path.open("rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                digest.update(raw)
                self.lines = lineno
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    problems.add(lineno, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
                    self.rejected += 1
                    continue
                text = text.removeprefix("\ufeff") if lineno == 1 else text
                stripped = text.strip()
                if not stripped or stripped.startswith("//"):
                    continue
                data, error = decode_json(stripped)
                if error is not None:
                    problems.add(lineno, "", error)
                    self.rejected += 1
                    continue
                parsed = parse_line(data)
                if isinstance(parsed, list):
                    for field_name, message in parsed:
                        problems.add(lineno, field_name, message)
                    self.rejected += 1
                    continue
                yield Item(lineno, parsed)
