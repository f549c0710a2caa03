"""`tocsin watchlist ...` and `tocsin screen`: import lists and screen files against them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

watchlist_app = typer.Typer(help="Watchlists screened against.", no_args_is_help=True)
UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@watchlist_app.command("import")
def import_watchlist(
    file: ExistingFile,
    fmt: Annotated[str, typer.Option("--format", help="ftm, un or csv")],
    list_name: Annotated[str, typer.Option("--list", help="Name of the list to replace.")],
    user: UserOpt = None,
) -> None:
    """Replace a list's entries with the file's, all or nothing."""
    from tocsin.cli import _actor, _errors, _report, _store, console
    from tocsin.crosscheck.watchlists import import_list

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with console.status(f"importing {file.name}"), db.session() as session, \
                file.open("rb") as stream:  # fmt: skip
            report = import_list(session, actor, list_name, fmt, stream)
    _report(f"list {list_name}", report)


def screen_command(
    file: ExistingFile,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV to write (default stdout).")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = 0.5,
    limit: Annotated[int, typer.Option(help="Hits per row, at most 50.")] = 3,
    user: UserOpt = None,
) -> None:
    """Screen every row of a CSV (name, birth_date, nationality, identifiers, id) against the
    lists and the project's perpetrator records; writes each row's best hits."""
    from tocsin.cli import _actor, _errors, _progress, _report, _store
    from tocsin.crosscheck.watchlists import screen_file

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with file.open(encoding="utf-8-sig", newline="") as source, \
                _progress("screening") as progress, db.session() as session:  # fmt: skip
            if out is None:
                report = screen_file(session, actor, source, sys.stdout, limit, threshold,
                                     progress)  # fmt: skip
            else:
                with out.open("w", encoding="utf-8", newline="") as sink:
                    report = screen_file(session, actor, source, sink, limit, threshold,
                                         progress)  # fmt: skip
    _report("screened", report)
