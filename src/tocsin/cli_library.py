"""`tocsin library ...`: import plans of action, list them, search their paragraphs and show one
(docs/library.md). Thin commands over ``tocsin.library.store``; the tables are in
``cli_library_views``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tocsin.core.access import Actor
    from tocsin.core.db import Database
    from tocsin.library.store import SearchFilters

library_app = typer.Typer(help="The action library: plans of action, searchable by paragraph.",
                          no_args_is_help=True)  # fmt: skip

UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
Label = Annotated[str | None, typer.Option(help="A taxonomy code (docs/library.md).")]


class Format(StrEnum):
    TEXT = "text"
    PDF = "pdf"
    HTML = "html"


def _acting(user: str | None) -> tuple[Database, Actor]:
    from tocsin.cli import _actor, _store

    _, db = _store()
    return db, _actor(db, user)


def _read(file: Path) -> bytes:
    from tocsin.core.errors import ValidationFailed

    if not file.is_file():
        raise ValidationFailed.on("FILE", f"no file {str(file)!r}")
    try:
        return file.read_bytes()
    except OSError as exc:
        raise ValidationFailed.on("FILE", f"cannot be read: {exc.strerror}") from None


def _filters(**given: str | None) -> SearchFilters:
    """The filters, with a problem on ``--option`` rather than a traceback."""
    from pydantic import ValidationError

    from tocsin.core.errors import FieldProblem, ValidationFailed
    from tocsin.library.store import SearchFilters

    try:
        return SearchFilters.model_validate(given)
    except ValidationError as exc:
        problems = [FieldProblem("--" + "-".join(str(p) for p in e["loc"]).replace("_", "-"),
                                 e["msg"]) for e in exc.errors()]  # fmt: skip
        raise ValidationFailed(problems[0].field + ": " + problems[0].message, problems) from None


@library_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A plan of action: text, PDF or HTML.")],
    slug: Annotated[str | None, typer.Option(
        help="The document's slug (default: from the file name); a known one re-imports.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the document's).")] = None,
    format: Annotated[Format | None, typer.Option(
        "--format", help="Read as this format (default: from the bytes, then the name).")] = None,
    tlp: Annotated[str | None, typer.Option(help="Sharing level (default CLEAR).")] = None,
    user: UserOpt = None,
) -> None:
    """Import a document with its structure and labels; prints what changed and what the
    parser could not place."""
    from tocsin.cli import _errors, console
    from tocsin.cli_library_views import print_import
    from tocsin.core.errors import ValidationFailed
    from tocsin.library import DocumentUnreadable, parse_bytes
    from tocsin.library.store import import_document

    fmt = format.value if format is not None else None
    with _errors():
        data = _read(file)
        db, actor = _acting(user)
        with console.status(f"reading {file.name}"):
            try:
                parsed = parse_bytes(data, file.name, title=title, slug=slug, format=fmt)
            except DocumentUnreadable as exc:
                raise ValidationFailed.on("FILE", exc.detail) from None
        with console.status("classifying and storing the paragraphs"), db.session() as s:
            result = import_document(s, actor, parsed, slug, tlp=tlp, format=fmt)
        db.dispose()
    print_import(result)


@library_app.command("list")
def list_command(user: UserOpt = None) -> None:
    """The documents you may see, by title."""
    from tocsin.cli import _errors
    from tocsin.cli_library_views import print_documents
    from tocsin.library.store import list_documents

    with _errors():
        db, actor = _acting(user)
        with db.session() as s:
            found = list_documents(s, actor)
        db.dispose()
    print_documents(found)


@library_app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words or a sentence.")],
    document: Annotated[str | None, typer.Option(help="Only this document (slug).")] = None,
    actor: Label = None,
    theme: Label = None,
    sphere: Label = None,
    situation: Label = None,
    risk_factor: Annotated[str | None, typer.Option(
        "--risk-factor", help="A Framework of Analysis risk factor (RF1 ... RF14).")] = None,
    limit: Annotated[int, typer.Option(help="Most paragraphs shown (1 to 200).")] = 20,
    user: UserOpt = None,
) -> None:
    """Full-text and semantic search over paragraphs: reference, labels and a snippet."""
    from tocsin.cli import _errors
    from tocsin.cli_library_views import print_hits
    from tocsin.library.store import search

    with _errors():
        filters = _filters(document=document, actor=actor, theme=theme,
                           sphere=sphere, situation=situation, risk_factor=risk_factor)
        db, who = _acting(user)
        with db.session() as s:
            found = search(s, who, query, filters, limit)
        db.dispose()
    print_hits(found)


@library_app.command("show")
def show(
    reference: Annotated[str, typer.Argument(help="A paragraph's reference (or id).")],
    user: UserOpt = None,
) -> None:
    """One paragraph (or part or section): text, labels with confidence, corrections, links."""
    from tocsin.cli import _errors
    from tocsin.cli_library_views import print_node
    from tocsin.library.store import get_node

    with _errors():
        db, actor = _acting(user)
        with db.session() as s:
            found = get_node(s, actor, reference)
        db.dispose()
    print_node(found)
