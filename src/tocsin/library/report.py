"""What an import did with every line it could not simply place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class EntryKind(StrEnum):
    UNPLACED = "unplaced"  # fits no structure: kept here so nothing is lost silently
    ARTEFACT = "artefact"  # left out on purpose: page numbers, running heads, site furniture
    REPAIR = "repair"  # placed after a correction: a number inferred, a broken line rejoined
    GAP = "gap"  # something seems missing: a numbering gap, a heading with nothing under it


@dataclass(frozen=True)
class ReportEntry:
    kind: EntryKind
    line: int  # 1-based line of the source as read (for PDF: of the extracted text)
    text: str
    reason: str
    page: int | None = None


@dataclass(frozen=True)
class ImportReport:
    entries: tuple[ReportEntry, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # node kind -> how many
    lines_read: int = 0
    layout: str = ""  # how the lines were joined: lines, wrapped, blocks or elements

    def of_kind(self, kind: EntryKind) -> list[ReportEntry]:
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def unplaced(self) -> list[ReportEntry]:
        return self.of_kind(EntryKind.UNPLACED)

    @property
    def artefacts(self) -> list[ReportEntry]:
        return self.of_kind(EntryKind.ARTEFACT)

    @property
    def repairs(self) -> list[ReportEntry]:
        return self.of_kind(EntryKind.REPAIR)

    @property
    def gaps(self) -> list[ReportEntry]:
        return self.of_kind(EntryKind.GAP)

    def summary(self) -> str:
        """A few lines for a person: the counts, then every entry with its line."""
        counted = ", ".join(f"{n} {kind}" for kind, n in self.counts.items() if n)
        by_kind = Counter(entry.kind.value for entry in self.entries)
        head = [
            f"{self.lines_read} lines read ({self.layout}): {counted or 'nothing found'}",
            ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items())) or "no remarks",
        ]
        body = [
            f"  line {e.line}{f' (page {e.page})' if e.page else ''}: {e.kind.value}: "
            f"{e.reason}: {_short(e.text)}"
            for e in self.entries
        ]
        return "\n".join(head + body)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
