"""`tocsin alerts ...`: the delivery worker and a look into the outbox."""

from __future__ import annotations

import logging
import signal
from datetime import datetime
from types import FrameType
from typing import Annotated

import typer

alerts_app = typer.Typer(help="Alert delivery: the outbox and its worker.", no_args_is_help=True)


@alerts_app.command("worker")
def worker_command(
    once: Annotated[
        bool, typer.Option("--once", help="Send what is due now, then stop (for cron).")
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            min=1,
            max=256,
            help="Sending threads per channel (default TOCSIN_ALERT_WORKERS).",
        ),
    ] = None,
) -> None:
    """Deliver alerts by email and webhook, with retries.

    Enqueues each new alert version for its subscribers, sends what is due, retries failures
    with backoff. Stops cleanly on SIGTERM or Ctrl-C."""
    from tocsin.alerts.worker import Worker
    from tocsin.cli import _errors, _report, _store

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("tocsin").setLevel(logging.INFO)
    with _errors():
        settings, db = _store()
        worker = Worker(db, settings, concurrency)

        def stop(_signum: int, _frame: FrameType | None) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        logging.getLogger(__name__).info("alert worker %s started", worker.name)
        stats = worker.run(once=once)
    _report("alert worker stopped", stats)


@alerts_app.command("outbox")
def outbox_command() -> None:
    """How many deliveries are pending, sending, delivered, retrying and dead."""
    from tocsin.alerts import outbox
    from tocsin.cli import _errors, _store, console

    with _errors():
        _, db = _store()
        with db.session() as session:
            counts = outbox.summary(session)
    for status, n in counts.items():
        console.print(f"{status:>10}  {n}")


@alerts_app.command("retry-dead")
def retry_dead_command(
    alert: Annotated[
        str | None, typer.Option("--alert", help="Only this alert's deliveries (its id).")
    ] = None,
) -> None:
    """Give dead deliveries a fresh set of attempts, once their endpoint is back."""
    from tocsin.alerts import outbox
    from tocsin.cli import _errors, _store, console
    from tocsin.core.clock import utcnow

    with _errors():
        _, db = _store()
        with db.session() as session:
            n = outbox.requeue_dead(session, utcnow(), alert)
    console.print(f"{n} dead deliveries are due again")


rules_app = typer.Typer(help="Alert rules over the data.", no_args_is_help=True)
alerts_app.add_typer(rules_app, name="rules")
RuleUser = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]


@rules_app.command("list")
def rules_list_command(user: RuleUser = None) -> None:
    """The alert rules you may see, with how often each fired."""
    from rich.table import Table

    from tocsin.alerts.rules import service
    from tocsin.cli import _actor, _errors, _store, console

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with db.session() as session:
            rules = service.list_rules(session, actor)
    table = Table("id", "name", "kind", "enabled", "TLP", "firings", "last fired")
    for r in rules:
        last = r.last_fired_at.strftime("%Y-%m-%d %H:%M") if r.last_fired_at else ""
        table.add_row(r.id, r.name, r.kind, "yes" if r.enabled else "no", r.tlp,
                      str(r.firings), last)  # fmt: skip
    console.print(table)


@rules_app.command("dry-run")
def rules_dry_run_command(
    rule_id: Annotated[str, typer.Argument(help="The rule's id (see `tocsin alerts rules list`).")],
    start: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day replayed.")
    ],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day replayed.")],
    user: RuleUser = None,
) -> None:
    """What a rule would have raised over a past period, window by window; writes nothing."""
    from rich.table import Table

    from tocsin.alerts.rules import dry_runs
    from tocsin.cli import _actor, _errors, _progress, _store, console
    from tocsin.risk.events.store import default_path

    with _errors():
        settings, db = _store()
        actor = _actor(db, user)
        path = default_path(settings)
        with _progress("windows replayed") as update, db.session() as session:
            report = dry_runs.dry_run_report(session, actor, rule_id, start.date(), end.date(),
                                            events_path=path, progress=update)  # fmt: skip
    table = Table("from", "to", "area", "count", "baseline", "events", "title")
    for f in report.findings:
        base = f"{f.baseline_mean:.2f}" if f.baseline_mean is not None else ""
        table.add_row(f.window_start.isoformat(), f.window_end.isoformat(), f.area,
                      str(f.count), base, str(f.events), f.title)  # fmt: skip
    console.print(table)
    n = len(report.findings)
    plural = "" if n == 1 else "s"
    console.print(f"{n} alert{plural} would have been raised over {report.windows} windows, "
                  f"counting records up to TLP:{report.counted_tlp}")  # fmt: skip


@rules_app.command("run")
def rules_run_command() -> None:
    """Evaluate every enabled rule once, now, and raise what they find (for cron)."""
    from tocsin.alerts.rules.runner import run_rules
    from tocsin.cli import _errors, _store, console
    from tocsin.core.clock import utcnow
    from tocsin.risk.events.store import default_path

    with _errors():
        settings, db = _store()
        with db.session() as session:
            raised = run_rules(session, utcnow(), default_path(settings))
    console.print(f"{raised} alert{'' if raised == 1 else 's'} raised by rules")


@alerts_app.command("escalate")
def escalate_command() -> None:
    """Run the escalation clock once (the worker runs it on its own every few seconds).

    Every live alert nobody acknowledged by its deadline calls the next step of its escalation
    chain; the notices join the outbox, for the worker to send."""
    from tocsin.alerts.escalation import escalate_due
    from tocsin.cli import _errors, _store, console
    from tocsin.core.clock import utcnow

    with _errors():
        settings, db = _store()
        with db.session() as session:
            n = escalate_due(session, utcnow(), settings.public_url)
    console.print(f"{n} alerts moved along their escalation chain")


if __name__ == "__main__":  # `python -m tocsin.cli_alerts worker`, as the tests start it
    alerts_app()
