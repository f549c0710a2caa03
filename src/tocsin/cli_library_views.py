"""How `tocsin library` prints what the library services return: Rich tables and panels."""

from __future__ import annotations

from rich.table import Table

from tocsin.cli import console
from tocsin.library.store import (
    DocumentSummary,
    ImportResult,
    LabelPublic,
    NodePublic,
    SearchResults,
)

SNIPPET = 160
SHOWN_CHANGES = 20  # references listed per kind of change; the count is always whole


def _short(text: str, width: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _labels(labels: dict[str, list[LabelPublic]], confidence: bool = False) -> str:
    parts = []
    for dimension, found in labels.items():
        codes = [f"{x.label} {x.confidence:.2f}" if confidence else x.label for x in found]
        parts.append(f"{dimension}: {', '.join(codes)}")
    return "\n".join(parts) or "-"


def _changes(name: str, refs: list[str]) -> str:
    if not refs:
        return f"{name}: 0"
    more = f" … and {len(refs) - SHOWN_CHANGES} more" if len(refs) > SHOWN_CHANGES else ""
    return f"{name}: {len(refs)} ({', '.join(refs[:SHOWN_CHANGES])}{more})"


def print_import(result: ImportResult) -> None:
    doc, report = result.document, result.report
    verb = "imported" if result.created else "re-imported"
    if result.same_file:
        verb += " (the same file as last time)"
    table = Table(title=f"[green]{verb} {doc.slug}[/]: {doc.title}", show_header=False,
                  title_justify="left")  # fmt: skip
    counted = ", ".join(f"{n} {kind}" for kind, n in report.counts.items() if n)
    table.add_row("found", f"{report.lines_read} lines read ({report.layout}): "
                  f"{counted or 'nothing'}")  # fmt: skip
    table.add_row("items", f"{doc.items} current, {doc.retired_items} retired")
    for name, refs in (("added", result.added), ("updated", result.updated),
                       ("retired", result.retired), ("restored", result.restored)):  # fmt: skip
        table.add_row("changes" if name == "added" else "", _changes(name, refs))
    table.add_row("", f"unchanged: {result.unchanged}")
    table.add_row("classified", str(result.classified))
    table.add_row("embedded", str(result.embedded))
    table.add_row("sharing", doc.tlp)
    console.print(table)
    if not report.entries:
        console.print("the parser placed every line")
        return
    remarks = Table(title="what the parser could not simply place", title_justify="left")
    for column in ("line", "kind", "reason", "text"):
        remarks.add_column(column, justify="right" if column == "line" else "left")
    for e in report.entries:
        line = f"{e.line} (p. {e.page})" if e.page else str(e.line)
        remarks.add_row(line, e.kind, e.reason, _short(e.text, 70))
    console.print(remarks)


def print_documents(found: list[DocumentSummary]) -> None:
    if not found:
        console.print("the library is empty")
        return
    table = Table(title=f"{len(found)} documents", title_justify="left")
    for column in ("slug", "title", "format", "items", "retired", "sharing", "imported"):
        table.add_column(column, justify="right" if column in ("items", "retired") else "left")
    for d in found:
        table.add_row(d.slug, d.title, d.format, str(d.items), str(d.retired_items), d.tlp,
                      d.imported_at.strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    console.print(table)


def print_hits(found: SearchResults) -> None:
    if not found.hits:
        console.print(f"nothing found for {found.query!r}")
        return
    table = Table(title=f"{len(found.hits)} paragraphs for {found.query!r} ({found.method})",
                  title_justify="left", show_lines=True)  # fmt: skip
    for column in ("reference", "labels", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in found.hits:
        table.add_row(hit.node.reference, _labels(hit.node.labels), _short(hit.node.text))
    console.print(table)


def print_node(node: NodePublic) -> None:
    table = Table(title=f"{node.reference}", show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("document", f"{node.document.slug}: {node.document.title}")
    table.add_row("kind", node.item_kind or node.kind)
    if node.heading:
        table.add_row("heading", node.heading)
    if node.context:
        table.add_row("under", " / ".join(node.context))
    table.add_row("text", node.text or "-")
    table.add_row("lines", f"{node.lines[0]}-{node.lines[1]}")
    if not node.current:
        table.add_row("retired", "missing from the document's last import")
    table.add_row("labels", _labels(node.labels, confidence=True))
    for c in node.corrections:
        table.add_row("corrected", f"{c.at:%Y-%m-%d} {c.dimension}: {', '.join(c.labels) or '-'}"
                      f"{f' ({c.note})' if c.note else ''}")  # fmt: skip
    for x in node.links:
        other = x.to_node if x.from_node.id == node.id else x.from_node
        arrow = "→" if x.from_node.id == node.id else "←"
        score = f" {x.score:.2f}" if x.score is not None else ""
        table.add_row("link", f"{arrow} {other.reference} {x.kind} ({x.status}{score})")
    console.print(table)
