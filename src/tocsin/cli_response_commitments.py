"""`tocsin response commitments ...`: record commitments, judge their progress, list and show
them, and write the implementation report (docs/response.md). Thin commands over
``tocsin.response.commitments``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tocsin.cli_checks import checked

if TYPE_CHECKING:
    from tocsin.core.access import Actor
    from tocsin.core.db import Database
    from tocsin.response.commitments import (
        CommitmentFilters,
        CommitmentPublic,
        CommitmentSummary,
    )


commitments_app = typer.Typer(
    help="Commitments made by actors and the judgements of their implementation.",
    no_args_is_help=True,
)

UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
Actor_ = Annotated[str | None, typer.Option("--actor", help="Only this actor (its name).")]
Document = Annotated[
    str | None, typer.Option(help="Only this document (library slug or free title).")
]
Country = Annotated[str | None, typer.Option(help="Only this country (ISO code).")]
Status = Annotated[
    str | None, typer.Option(help="Only this current status, `none` (never judged) or `overdue`.")
]
Many = Annotated[list[str] | None, typer.Option(help="Repeat for several.")]


class Format(StrEnum):
    PDF = "pdf"
    CSV = "csv"


def _acting(user: str | None) -> tuple[Database, Actor]:
    from tocsin.cli import _actor, _store

    _, db = _store()
    return db, _actor(db, user)


def _filters(**given: str | None) -> CommitmentFilters:
    from tocsin.response.commitments import CommitmentFilters

    return checked(CommitmentFilters, **given)


@commitments_app.command("add")
def add(
    actor_name: Annotated[str, typer.Option("--actor", help="Who committed (a name).")],
    action: Annotated[str, typer.Option(
        help="What they committed to (default: the paragraph's text).")] = "",
    kind: Annotated[str, typer.Option(help="Actor kind: a library actor code.")] = "state",
    node: Annotated[str | None, typer.Option(
        help="Source paragraph: library id or reference.")] = None,
    document: Annotated[str, typer.Option(help="Document title, without a paragraph.")] = "",
    made: Annotated[str | None, typer.Option(help="Date made (YYYY-MM-DD).")] = None,
    due: Annotated[str | None, typer.Option(help="Due date (YYYY-MM-DD).")] = None,
    indicator: Many = None,
    country: Country = None,
    tlp: Annotated[str, typer.Option(help="Sharing level.")] = "GREEN",
    user: UserOpt = None,
) -> None:  # fmt: skip
    """Record a commitment; prints its id."""
    from tocsin.cli import _errors
    from tocsin.response.commitments import CommitmentCreate, create_commitment

    with _errors():
        data = checked(CommitmentCreate, actor_name=actor_name, actor_kind=kind, action=action,
                        node_id=node, document_title=document, made_on=made, due_on=due,
                        indicators=indicator or [], tlp=tlp, country=country)  # fmt: skip
        db, who = _acting(user)
        with db.session() as s:
            made_c = create_commitment(s, who, data)
        db.dispose()
    _print_one(made_c)


@commitments_app.command("status")
def status(
    commitment_id: Annotated[str, typer.Argument(help="The commitment's id.")],
    state: Annotated[str, typer.Option(
        "--status", help="not_started, in_progress, implemented, not_implemented.")],
    source: Annotated[str, typer.Option(help="Who says so: a report, a monitor, a body.")],
    source_kind: Annotated[str, typer.Option(
        "--source-kind", help="self_report, independent, own_monitoring, media, other.")
    ] = "own_monitoring",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date judged (default: today).")] = None,
    event: Many = None,
    evidence: Many = None,
    url: Many = None,
    indicator: Many = None,
    note: Annotated[str, typer.Option(help="A note.")] = "",
    user: UserOpt = None,
) -> None:  # fmt: skip
    """Judge a commitment's progress (a new judgement; earlier ones are kept)."""
    from tocsin.cli import _errors
    from tocsin.core.clock import utcnow
    from tocsin.response.commitments import JudgementCreate, get_commitment, record_judgement

    with _errors():
        data = checked(JudgementCreate, status=state, source=source, source_kind=source_kind,
                        as_of=as_of or utcnow().date().isoformat(), event_ids=event or [],
                        evidence_ids=evidence or [], urls=url or [], indicators=indicator or [],
                        note=note)  # fmt: skip
        db, who = _acting(user)
        with db.session() as s:
            record_judgement(s, who, commitment_id, data)
            shown = get_commitment(s, who, commitment_id)
        db.dispose()
    _print_one(shown)


@commitments_app.command("list")
def list_command(
    actor: Actor_ = None, document: Document = None, country: Country = None,
    status: Status = None, user: UserOpt = None,
) -> None:  # fmt: skip
    """Commitments you may see with their current status."""
    from rich.table import Table

    from tocsin.cli import _errors, console
    from tocsin.response.commitments import dashboard

    with _errors():
        f = _filters(actor=actor, document=document, country=country, status=status)
        db, who = _acting(user)
        with db.session() as s:
            board = dashboard(s, who, f)
        db.dispose()
    table = Table(title=f"{board.total.total} commitments, {board.total.overdue} overdue")
    for name in ("id", "actor", "reference", "action", "due", "status", "as of"):
        table.add_column(name)
    for c in board.commitments:
        table.add_row(c.id, c.actor_name, c.reference or c.document_title, _short(_action(c)),
                      c.due_on.isoformat() if c.due_on else "-",
                      (c.status or "no judgement") + (" (overdue)" if c.overdue else ""),
                      c.status_as_of.isoformat() if c.status_as_of else "-")  # fmt: skip
    console.print(table)


@commitments_app.command("show")
def show(
    commitment_id: Annotated[str, typer.Argument(help="The commitment's id.")],
    user: UserOpt = None,
) -> None:
    """A commitment with its source paragraph and every judgement."""
    from tocsin.cli import _errors
    from tocsin.response.commitments import get_commitment

    with _errors():
        db, who = _acting(user)
        with db.session() as s:
            found = get_commitment(s, who, commitment_id)
        db.dispose()
    _print_one(found)


@commitments_app.command("report")
def report(
    format: Annotated[Format, typer.Option("--format", help="pdf or csv.")] = Format.PDF,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path(
        "commitments-report.pdf"
    ),
    actor: Actor_ = None, document: Document = None, country: Country = None,
    status: Status = None,
    since: Annotated[str | None, typer.Option(help="Period start (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Period end (default: today).")] = None,
    title: Annotated[str, typer.Option(help="Title of the PDF.")] = "",
    user: UserOpt = None,
) -> None:  # fmt: skip
    """The implementation report, for a Universal Periodic Review submission (audited)."""
    from tocsin.cli import _errors, console
    from tocsin.response.commitments import export_csv, export_pdf

    with _errors():
        f = _filters(actor=actor, document=document, country=country, status=status)
        start, end = _day(since, "--since"), _day(until, "--until")
        db, who = _acting(user)
        with db.session() as s:
            if format is Format.CSV:
                output.write_text(export_csv(s, who, f, start, end), encoding="utf-8")
            else:
                output.write_bytes(export_pdf(s, who, f, start, end, title))
        db.dispose()
    console.print(f"[green]report written[/] {output}")


def _day(text: str | None, field: str) -> date | None:
    from tocsin.core.errors import ValidationFailed

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.on(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _action(c: CommitmentSummary) -> str:
    from tocsin.response.commitments.sources import WITHHELD

    return WITHHELD if c.action_withheld else c.action


def _print_one(c: CommitmentPublic) -> None:
    from rich.table import Table

    from tocsin.cli import console

    facts = Table(title=f"Commitment {c.id}", show_header=False, title_justify="left")
    for name, value in (
        ("actor", f"{c.actor_name} ({c.actor_kind})"),
        ("document", c.document_title or "-"),
        ("reference", c.reference or "-"),
        ("action", _action(c)),
        ("made / due", f"{c.made_on or '-'} / {c.due_on or '-'}"),
        ("status", (c.status or "no judgement") + (" (overdue)" if c.overdue else "")),
        ("indicators", "; ".join(c.indicators) or "-"),
        ("sharing", f"TLP:{c.tlp}"),
    ):
        facts.add_row(name, value)
    console.print(facts)
    if c.judgements:
        table = Table(title="Judgements, current first", title_justify="left")
        for name in ("as of", "status", "source", "evidence", "note"):
            table.add_column(name)
        for j in c.judgements:
            cited = [*j.event_ids, *j.evidence_ids, *j.urls]
            if j.hidden_records:
                cited.append(f"{j.hidden_records} above your clearance")
            table.add_row(j.as_of.isoformat(), j.status, f"{j.source} ({j.source_kind})",
                          "\n".join(cited) or "-", _short(j.note))  # fmt: skip
        console.print(table)
