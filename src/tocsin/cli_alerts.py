"""`tocsin alerts ...`: the delivery worker and a look into the outbox."""

from __future__ import annotations

import logging
import signal
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


if __name__ == "__main__":  # `python -m tocsin.cli_alerts worker`, as the tests start it
    alerts_app()
