"""The `tocsin` command: thin commands over the services, with Rich progress on long work."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tocsin.cli_alerts import alerts_app
from tocsin.cli_crosscheck import crosscheck_app
from tocsin.cli_library import library_app
from tocsin.cli_response import response_app
from tocsin.cli_risk import risk_app
from tocsin.cli_screening import screen_command, watchlist_app
from tocsin.core.errors import TocsinError

if TYPE_CHECKING:
    from tocsin.alerts.background import BackgroundWorker
    from tocsin.core.access import Actor
    from tocsin.core.db import Database
    from tocsin.core.settings import Settings

app = typer.Typer(
    help="Tocsin: document, cross-check, assess risk, warn, act and track.", no_args_is_help=True
)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
import_app = typer.Typer(help="Import records.", no_args_is_help=True)
export_app = typer.Typer(help="Export records.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage the encryption key file.", no_args_is_help=True)
demo_app = typer.Typer(help="The fictional demo dataset.", no_args_is_help=True)
evidence_app = typer.Typer(help="The evidence vault.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(keys_app, name="keys")
app.add_typer(demo_app, name="demo")
app.add_typer(evidence_app, name="evidence")
app.add_typer(crosscheck_app, name="crosscheck")
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(risk_app, name="risk")
app.add_typer(alerts_app, name="alerts")
app.add_typer(library_app, name="library")
app.add_typer(response_app, name="response")
app.command("screen")(screen_command)

console = Console(stderr=True)
UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]


def _report(title: str, report: object) -> None:
    """A service's report as a short two-column table: what was done, and how much."""
    table = Table(title=f"[green]{title}[/]", show_header=False, title_justify="left")
    fields = asdict(report) if is_dataclass(report) and not isinstance(report, type) else {}
    for key, value in fields.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
        elif isinstance(value, float):
            value = f"{value:.2f}"
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)


def _fail(exc: TocsinError) -> None:
    console.print(f"[bold red]error:[/] {exc.detail}")
    for problem in exc.errors[:50]:
        console.print(f"  {problem.field}: {problem.message}")
    if len(exc.errors) > 50:
        console.print(f"  ... and {len(exc.errors) - 50} more")
    raise typer.Exit(2)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except TocsinError as exc:
        _fail(exc)


@contextmanager
def _progress(label: str) -> Iterator[Callable[..., None]]:
    """Yield a callback ``(done, total)`` or ``(stage, done, total)`` that drives a bar."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(*args: str | int) -> None:
            stage, done, total = args if len(args) == 3 else ("", *args)
            bar.update(
                task,
                description=f"{label}: {stage}" if stage else label,
                completed=int(done),
                total=int(total) or None,
            )

        yield update


def _store() -> tuple[Settings, Database]:
    from tocsin.core.settings import get_settings
    from tocsin.core.store import open_store

    settings = get_settings()
    return settings, open_store(settings)


def _actor(db: Database, email: str | None) -> Actor:
    from sqlalchemy import select

    from tocsin.core.auth import actor_for
    from tocsin.core.errors import ValidationFailed
    from tocsin.core.models import User

    if not email:
        raise ValidationFailed.on("--user", "say which account is acting (or set TOCSIN_USER)")
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            raise ValidationFailed.on("--user", f"no active account {email}")
        return actor_for(user, ip="cli")


@app.command()
def init(
    admin_email: Annotated[str | None, typer.Option(help="Email of the first admin.")] = None,
    admin_password: Annotated[
        str | None,
        typer.Option(help="Password of the first admin.", envvar="TOCSIN_ADMIN_PASSWORD"),
    ] = None,
) -> None:
    """Create (or bring up to date) the data folder, key file, database and vocabularies."""
    from tocsin.core.settings import get_settings
    from tocsin.core.store import init_store

    settings = get_settings()
    with _errors():
        db, report = init_store(settings, admin_email, admin_password)
    db.dispose()
    console.print(f"store ready in [bold]{settings.data_dir}[/]")
    if report.created_key_file:
        console.print(
            f"new key file [bold]{settings.key_file}[/]: back it up apart from the data;"
            " without it encrypted fields cannot be read"
        )
    if report.created_admin:
        console.print(f"admin account {report.created_admin} created")
    if report.vocabulary_terms_added:
        console.print(f"{report.vocabulary_terms_added} vocabulary terms added")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only).")] = 1,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker",
            help="Also run the alert worker (rules, escalation, delivery) in this process.",
        ),
    ] = False,
) -> None:
    """Serve the pages and the API."""
    import uvicorn

    os.environ.setdefault("TOCSIN_DATA_DIR", str(Path("./var").resolve()))
    console.print(f"Tocsin on http://{host}:{port}  (API: /api/v1, OpenAPI: /api/openapi.json)")
    # One machine, one command: without a worker, issued alerts would wait in the outbox.
    background = _background_worker() if with_worker else None
    # Uvicorn stops on SIGTERM and then raises the signal again; a handler that exits (rather
    # than the default, which kills the process at once) lets the worker finish its sends.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        uvicorn.run(
            "tocsin.api.asgi:app",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,
            log_level="info",
        )
    finally:
        if background is not None:
            background.stop()


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _background_worker() -> BackgroundWorker:
    from tocsin.alerts.background import BackgroundWorker

    settings, db = _store()
    worker = BackgroundWorker(db, settings)
    worker.start()
    console.print("alert worker running in the background")
    return worker


@user_app.command("add")
def user_add(
    email: str,
    role: Annotated[
        str, typer.Option(help="admin, coordinator, analyst, documenter, partner_viewer")
    ],
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, envvar="TOCSIN_NEW_PASSWORD"
        ),
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Add a user account."""
    from tocsin.core.auth import create_user, parse_role

    with _errors():
        _, db = _store()
        with db.session() as s:
            user = create_user(s, email, password, parse_role(role), name)
            console.print(f"added {user.email} ({user.role})")


@user_app.command("list")
def user_list() -> None:
    """List user accounts."""
    from sqlalchemy import select

    from tocsin.core.models import User

    with _errors():
        _, db = _store()
        table = Table("email", "role", "active", "last sign-in")
        with db.session() as s:
            for u in s.scalars(select(User).order_by(User.email)):
                table.add_row(
                    u.email,
                    u.role,
                    "yes" if u.active else "no",
                    u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "",
                )
        Console().print(table)


@user_app.command("disable")
def user_disable(email: str) -> None:
    """Disable an account and revoke its tokens and sessions."""
    from tocsin.core.auth import set_active

    with _errors():
        _, db = _store()
        with db.session() as s:
            set_active(s, email, False, None)
        console.print(f"disabled {email}")


@user_app.command("enable")
def user_enable(email: str) -> None:
    """Enable a disabled account."""
    from tocsin.core.auth import set_active

    with _errors():
        _, db = _store()
        with db.session() as s:
            set_active(s, email, True, None)
        console.print(f"enabled {email}")


@import_app.command("cases")
def import_cases(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    user: UserOpt = None,
    commit_every: Annotated[int | None, typer.Option(help="Commit every N events.")] = None,
) -> None:
    """Import events, acts, persons, organisations and sources from JSONL or CSV."""
    from tocsin.cases.importer import import_cases as run

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with _progress("importing") as progress:
            report = run(db, actor, file, commit_every=commit_every, progress=progress)
    _report("imported", report)


@export_app.command("cases")
def export_cases(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default stdout).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or geojson")] = "jsonl",
    identify: Annotated[
        bool, typer.Option(help="Include identities where consent allows.")
    ] = False,
    recipient: Annotated[
        str, typer.Option("--for", help="Recipient type (consent decides).")
    ] = "internal",
    user: UserOpt = None,
) -> None:
    """Export cases; protected persons are pseudonymised unless --identify."""
    from tocsin.cases.exporter import export_cases as run
    from tocsin.core.errors import ValidationFailed

    with _errors():
        if fmt not in ("jsonl", "csv", "geojson"):
            raise ValidationFailed.on("--format", "use jsonl, csv or geojson")
        _, db = _store()
        actor = _actor(db, user)
        with _progress("exporting") as progress:
            report = run(
                db,
                actor,
                out if out else sys.stdout,
                fmt,  # type: ignore[arg-type]
                identify=identify,
                recipient=recipient,
                progress=progress,
            )
    _report("exported", report)


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Archive to write (.tar.gz).")]) -> None:
    """Back up the database, key file and evidence folder into one archive."""
    from tocsin.core.backup import create_backup

    with _errors():
        settings, db = _store()
        with _progress("backing up") as progress:
            report = create_backup(db, settings, file, progress=progress)
    _report(f"backup written to {file}", report)
    console.print("[yellow]the archive holds the key file: keep it as safe as the data[/]")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    force: Annotated[bool, typer.Option(help="Replace a store that already has data.")] = False,
) -> None:
    """Restore a backup archive into this store."""
    from tocsin.core.backup import restore_backup
    from tocsin.core.settings import get_settings

    with _errors(), _progress("restoring") as progress:
        report = restore_backup(file, get_settings(), progress=progress, force=force)
    _report("restored", report)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make a new data key and re-encrypt every protected field with it."""
    from tocsin.core.keys import rotate_keys

    with _errors():
        settings, db = _store()
        with _progress("re-encrypting") as progress:
            report = rotate_keys(db, settings, progress=progress)
    _report("keys rotated", report)


@demo_app.command("load")
def demo_load(
    events: Annotated[int, typer.Option(help="Number of demo events.")] = 600,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    user: UserOpt = None,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if events exist.")] = False,
    evidence_events: Annotated[
        int, typer.Option(help="Most recent events given demo evidence files.")
    ] = 12,
    forecast: Annotated[
        bool, typer.Option(help="Train the risk model on ../shared/data/ewp when it is there.")
    ] = True,
) -> None:
    """Load the fictional demo dataset (and demo accounts for each role)."""
    from tocsin.alerts.demo import load_demo_alerts
    from tocsin.alerts.rules.demo import load_demo_rules
    from tocsin.cases.demo import write_demo
    from tocsin.cases.demo_accounts import demo_email, ensure_demo_accounts, store_has_events
    from tocsin.cases.importer import import_cases as run
    from tocsin.core.roles import Role
    from tocsin.crosscheck.demo import demo_matches
    from tocsin.library.demo import load_demo_library, seeds_folder
    from tocsin.response.commitments.demo import load_demo_commitments
    from tocsin.response.plans.demo import load_demo_plans
    from tocsin.risk.demo import load_demo_risk, shared_folder
    from tocsin.risk.events.store import default_path
    from tocsin.vault.demo_evidence import load_demo_evidence
    from tocsin.vault.store import log_key, open_blob_store

    with _errors():
        settings, db = _store()
        if if_empty and store_has_events(db):
            console.print("demo: the store already has events; nothing loaded")
            return
        admin_email = ensure_demo_accounts(db, settings)
        actor = _actor(db, user or admin_email)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo.jsonl"
            write_demo(path, seed=seed, events=events)
            with _progress("loading demo") as progress:
                report = run(db, actor, path, progress=progress)
        with _progress("demo evidence") as progress:
            store = open_blob_store(settings)
            files = load_demo_evidence(
                db, actor, store, log_key(settings), evidence_events, seed, progress
            )
        with console.status("demo: proposing matches for review"), db.session() as session:
            found = demo_matches(session)
        analyst, coordinator = (_actor(db, demo_email(r)) for r in (Role.ANALYST, Role.COORDINATOR))
        with console.status("demo: risk assessments, forecasts, event data"), db.session() as s:
            risk = load_demo_risk(s, actor, analyst, coordinator, default_path(settings),
                                  shared_folder() if forecast else None)  # fmt: skip
        with console.status("demo: action library (classifying the seed plans)"), db.session() as s:
            library_items = load_demo_library(s, actor, seeds_folder())
        console.print(f"{library_items} action library items imported")
        with console.status("demo: commitments and their judgements"), db.session() as s:
            console.print(f"{load_demo_commitments(s, analyst)} demo commitments (see /response)")
        with console.status("demo: a response plan"), db.session() as s:
            console.print(f"{load_demo_plans(s, analyst)} demo response plan (see /response/plans)")
        with console.status("demo: alerts and alert rules"), db.session() as s:
            alerts = load_demo_alerts(s, coordinator, analyst, actor)
            rules = load_demo_rules(s, coordinator) if alerts else 0  # once, like the alerts
    _report("demo loaded", report)
    console.print(f"{files} demo evidence files added; {found} pairs proposed for review")
    console.print(
        f"{risk.assessments} risk assessments, {risk.forecast_runs} forecast runs"
        f"{'' if risk.forecast_runs else ' (no ../shared/data/ewp beside the checkout)'}, "
        f"{risk.events_synced} events in the event data"
    )
    console.print(f"{alerts} demo alerts, {rules} alert rules (try a dry run at /alerts/rules)")


@evidence_app.command("add")
def evidence_add(
    paths: Annotated[
        list[Path], typer.Argument(exists=True, help="Files or folders (walked recursively).")
    ],
    kind: Annotated[str, typer.Option(help="photo, video, audio, document, web_capture, ...")],
    event: Annotated[str | None, typer.Option(help="Id of the event.")] = None,
    person: Annotated[str | None, typer.Option(help="Id of the person.")] = None,
    collected_by: Annotated[str | None, typer.Option(help="Who collected the files.")] = None,
    collected_at: Annotated[
        str | None, typer.Option(help="When, ISO 8601 with a time zone.")
    ] = None,
    tlp: Annotated[str, typer.Option(help="Sharing level.")] = "AMBER",
    user: UserOpt = None,
) -> None:
    """Store files as evidence for an event or person, once each, with their chain of custody."""
    from rich.markup import escape

    from tocsin.vault.ingest import add_files
    from tocsin.vault.store import log_key, open_blob_store

    meta = {"kind": kind, "event_id": event, "person_id": person, "tlp": tlp,
            "collected_by": collected_by, "collected_at": collected_at}  # fmt: skip
    with _errors():
        settings, db = _store()
        actor = _actor(db, user)
        store = open_blob_store(settings)
        with _bytes_progress("adding evidence") as progress:
            added = add_files(db, actor, store, log_key(settings), paths, meta, progress)
    table = Table("file", "result", "evidence id", "sha256", "bytes", title="evidence added")
    for item in added:
        result = "[yellow]duplicate[/]" if item.duplicate else "[green]stored[/]"
        table.add_row(
            escape(str(item.path)), result, item.evidence_id, item.sha256[:16], str(item.size)
        )
    Console().print(table)


@evidence_app.command("export")
def evidence_export(
    event: Annotated[str, typer.Option(help="Id of the event whose evidence goes.")],
    recipient: Annotated[
        str, typer.Option("--for", help="Who receives it: a consent recipient, e.g. icc.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Zip to write (never overwritten).")
    ] = None,
    identify: Annotated[
        bool, typer.Option(help="Name persons, collectors and files in clear (IDENTIFY).")
    ] = False,
    user: UserOpt = None,
) -> None:
    """Write a signed bundle of an event's evidence for one recipient; consent decides which
    files go, and persons are pseudonymised unless --identify."""
    from rich.markup import escape

    from tocsin.vault.evidence_export import export_event
    from tocsin.vault.store import log_key, open_blob_store

    with _errors():
        settings, db = _store()
        actor = _actor(db, user)
        store = open_blob_store(settings)
        path = out or Path(f"evidence-{event[:8]}-{recipient}.zip")
        with _bytes_progress("exporting evidence") as progress, db.session() as session:
            done = export_event(session, actor, store, log_key(settings), event, recipient,
                                path, identify=identify, progress=progress)  # fmt: skip
    s = done.summary
    console.print(
        f"[green]bundle written[/]: {escape(str(s.path))}: {len(s.files)} "
        f"file{'' if len(s.files) == 1 else 's'}, "
        f"{s.total_bytes} bytes, for {escape(recipient)}; custody log signed at size "
        f"{s.head.tree_size}"
    )
    for w in done.withheld:
        console.print(f"  [yellow]withheld[/] evidence {w.evidence_id}: {escape(w.reason)}")
    console.print(f"check it with: tocsin verify {escape(str(s.path))}")


@app.command()
def verify(
    bundle: Annotated[
        Path | None,
        typer.Argument(help="an evidence bundle (.zip) to check instead of this store"),
    ] = None,
    expect_key: Annotated[
        str | None,
        typer.Option(help="with a bundle: the custody log's public key or key id, known apart"),
    ] = None,
) -> None:
    """Check every evidence file and the whole custody log, or an export bundle (the same
    checks as the standalone verify_bundle.py); exit 1 naming anything damaged."""
    from rich.markup import escape

    if bundle is not None:
        from tocsin.vault import verify_bundle

        argv = [str(bundle), *(["--expect-key", expect_key] if expect_key else [])]
        raise typer.Exit(verify_bundle.main(argv))

    from tocsin.vault.evidence import verify_store
    from tocsin.vault.signing import LogKey, log_key_path
    from tocsin.vault.store import open_blob_store

    with _errors():
        settings, db = _store()
        store = open_blob_store(settings)
        key = LogKey.load(log_key_path(settings))
        with _bytes_progress("verifying") as progress, db.session() as session:
            report = verify_store(session, store, key, progress)
    console.print(
        f"{report.files} evidence files ({report.bytes} bytes), custody log of "
        f"{report.custody_entries} entries and {report.custody_heads} signed heads checked"
    )
    if report.ok:
        console.print("[bold green]intact[/]: nothing is damaged")
        return
    console.print(f"[bold red]DAMAGED[/]: {len(report.damaged)} problem(s)")
    for item in report.damaged:
        console.print(f"  {escape(item.item)}: {escape(item.detail)}", soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def _bytes_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A bar by bytes: yields a callback ``(done, total)``."""
    from rich.progress import DownloadColumn, TransferSpeedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def main() -> None:
    app()


if __name__ == "__main__":
    main()
