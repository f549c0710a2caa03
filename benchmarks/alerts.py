"""Alert delivery (issue 7): record-to-send latency and deliveries per second, each beside a
baseline measured in the same run, with lost and duplicated deliveries counted at the receivers.

The receivers are real servers in this process: aiosmtpd on loopback insisting on STARTTLS (a
certificate made for the run) and a threaded HTTP endpoint. The worker is ``tocsin alerts
worker`` in a process of its own, on a fresh SQLite store (or ``--database-url``), with its
default poll interval (0.2 s).

1. Latency. ``--alerts`` times, a gap of 50-150 ms apart: one transaction records an event
   with a killing in a new district, through the case service; nothing else is done by hand.
   The worker notices the new act, runs the alert rules (one rule: a killing in a district in a
   day, issued at once), issues the alert, dispatches it and sends it. The clock runs from the
   event's commit until the outbox marks every delivery of that alert (one email, one webhook
   subscriber) delivered; ``delivered_at`` is stamped by the worker when the receiver took the
   message. Also timed, 20 times: an alert recorded as issued directly (no rule) to its send.
   Baseline: the same two messages sent directly (smtplib + httpx), which is what delivery costs
   without an outbox.
2. Throughput. ``--subscribers`` subscriptions, half email, half webhook, and one alert: the
   clock runs from its commit until all deliveries are marked delivered (dispatch included).
   Baselines on the same messages, without the outbox: a plain loop (one SMTP connection and
   one HTTP client, reused), and the same sends from as many threads as the worker has.

Lost = deliveries the outbox should have made that no receiver saw; duplicated = copies a
receiver got beyond the first of an idempotency key. Targets: p95 under 2 s, 200 deliveries/s.
Figures go to benchmarks/results/alerts.json.

    python benchmarks/alerts.py [--alerts 100] [--subscribers 1000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "alerts"))

from receivers import Receivers  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tocsin.alerts.delivery_email import connect, render_message  # noqa: E402
from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription  # noqa: E402
from tocsin.alerts.delivery_webhook import body_bytes  # noqa: E402
from tocsin.alerts.models import Alert, AlertChange, AlertLink  # noqa: E402
from tocsin.alerts.rules.schemas import RuleCreate  # noqa: E402
from tocsin.alerts.rules.service import create_rule  # noqa: E402
from tocsin.alerts.sending import SendConfig  # noqa: E402
from tocsin.alerts.webhook_signing import new_secret, signed_headers  # noqa: E402
from tocsin.cases import acts, events  # noqa: E402
from tocsin.cases.schemas import ActCreate, EventCreate, PlaceIn  # noqa: E402
from tocsin.core.access import Actor  # noqa: E402
from tocsin.core.auth import actor_for, create_user  # noqa: E402
from tocsin.core.clock import utcnow  # noqa: E402
from tocsin.core.db import Database  # noqa: E402
from tocsin.core.roles import Role  # noqa: E402
from tocsin.core.settings import Settings, load_settings  # noqa: E402
from tocsin.core.store import init_store  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "alerts.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tocsin.cli_alerts", "worker",
                             "--concurrency", str(concurrency)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    if proc.returncode != 0:
        raise SystemExit(f"the worker failed:\n{err.decode()[-2000:]}")


def subscribe(db: Database, receivers: Receivers, emails: int, hooks: int) -> None:
    with db.session() as s:
        for i in range(emails):
            s.add(AlertSubscription(name=f"Desk {i}", channel="email",
                                    address=f"desk{i}@example.org", max_tlp=2))  # fmt: skip
        for i in range(hooks):
            s.add(AlertSubscription(name=f"Hook {i}", channel="webhook", secret=new_secret(),
                                    address=receivers.url(f"d={i}"), max_tlp=2))  # fmt: skip


def district_rule(db: Database, actor: Actor) -> None:
    with db.session() as s:
        create_rule(s, actor, RuleCreate.model_validate({
            "name": "A killing in a district today", "kind": "act_threshold",
            "params": {"country": "XQ", "act_types": ["killing"], "group_by": "admin_area",
                       "window_days": 1, "threshold": 1, "issue": True},
            "category": "community_threat", "severity": "severe", "urgency": "immediate",
            "certainty": "likely", "tlp": "GREEN"}))  # fmt: skip


def record_act(db: Database, actor: Actor, n: int) -> tuple[str, float]:
    """An event with one killing in district ``n``, as the case service records it; returns
    the event id and the wall time of the commit."""
    with db.session() as s:
        event = events.create(s, actor, EventCreate(
            title=f"Killing in district {n}", start=utcnow().date().isoformat(), tlp="GREEN",
            place=PlaceIn(country="XQ", admin_area=f"District {n}")))  # fmt: skip
        acts.create(s, actor, event.id, ActCreate(act_type="killing", tlp="GREEN"))
        event_id = event.id
    return event_id, time.time()


def alert_on(db: Database, event_id: str, timeout: float = 60) -> str:
    """The alert a rule raised on the event (only the poll's timing; the clock is the
    worker's stamps)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with db.session() as s:
            found = s.scalar(select(AlertLink.alert_id).where(
                AlertLink.kind == "event", AlertLink.record_id == event_id))  # fmt: skip
        if found:
            return found
        time.sleep(0.005)
    raise SystemExit(f"no alert raised on event {event_id} in {timeout} s")


def record(db: Database, actor: Actor, n: int) -> tuple[str, float]:
    """An event and the alert raised on it, in one transaction; returns the alert id and the
    wall time of the commit."""
    with db.session() as s:
        event = events.create(s, actor, EventCreate(title=f"Attack on village {n}",
                                                     start="2025-06-01", tlp="GREEN"))  # fmt: skip
        now = utcnow()
        alert = Alert(identifier=f"tocsin:bench-{n}-{time.time_ns()}", title=f"Village {n} "
                      "attacked; more raids expected", description="Two sources.",
                      severity="severe", urgency="immediate", certainty="likely",
                      category="community_threat", country="SD", tlp=1, state="issued",
                      issued_at=now, first_report_at=now)  # fmt: skip
        s.add(alert)
        s.flush()
        s.add(AlertLink(alert_id=alert.id, kind="event", record_id=event.id))
        s.add(AlertChange(alert_id=alert.id, from_state="draft", to_state="issued", version=1,
                          at=now))  # fmt: skip
        alert_id = alert.id
    return alert_id, time.time()


def wait_sent(db: Database, alert_id: str, expected: int, timeout: float = 60,
              every: float = 0.005) -> list[float]:  # fmt: skip
    """The ``delivered_at`` of each delivery of the alert, once all are delivered. The poll
    only tells when to look: each time is the worker's own stamp."""
    d = AlertDelivery
    end = time.monotonic() + timeout
    while True:
        with db.session() as s:
            done = s.scalar(select(func.count()).select_from(d).where(
                d.alert_id == alert_id, d.status == "delivered")) or 0  # fmt: skip
        if done >= expected:
            with db.session() as s:
                stamps = s.scalars(select(d.delivered_at).where(d.alert_id == alert_id))
                return [t.timestamp() for t in stamps if t is not None]
        if time.monotonic() > end:
            raise SystemExit(f"alert {alert_id}: {done} of {expected} sent in {timeout} s")
        time.sleep(every)


class Direct:
    """Sending without the outbox: one SMTP connection and one HTTP client, reused."""

    def __init__(self, cfg: SendConfig) -> None:
        self.cfg, self.smtp, self.http = cfg, connect(cfg), httpx.Client(timeout=10)

    def send(self, row: tuple[str, str, str | None, dict[str, Any], str]) -> None:
        channel, address, secret, payload, key = row
        if channel == "email":
            raw = render_message(self.cfg, address, payload, key)
            self.smtp.sendmail(self.cfg.mail_from, [address], raw)
            return
        body = body_bytes(payload["document"])
        headers = signed_headers(secret or "", body, key, int(time.time()))
        self.http.post(address, content=body, headers=headers).raise_for_status()

    def close(self) -> None:
        self.smtp.quit()
        self.http.close()


def outbox_rows(db: Database, alert_ids: list[str]) -> list[tuple[str, str, str | None,
                                                                  dict[str, Any], str]]:
    with db.session() as s:
        found = s.execute(
            select(AlertDelivery.channel, AlertSubscription.address, AlertSubscription.secret,
                   AlertDelivery.payload, AlertDelivery.idempotency_key)
            .join(AlertSubscription, AlertSubscription.id == AlertDelivery.subscription_id)
            .where(AlertDelivery.alert_id.in_(alert_ids))
        )  # fmt: skip
        return [(c, a, sec, p, f"baseline:{k}") for c, a, sec, p, k in found]


def baseline_rates(cfg: SendConfig, rows: list[Any], threads: int) -> tuple[float, float]:
    direct = Direct(cfg)
    started = time.perf_counter()
    for row in rows:
        direct.send(row)
    loop = len(rows) / (time.perf_counter() - started)
    direct.close()
    senders = [Direct(cfg) for _ in range(threads)]
    chunks = [rows[i::threads] for i in range(threads)]

    def run(i: int) -> None:
        for row in chunks[i]:
            senders[i].send(row)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    pooled = len(rows) / (time.perf_counter() - started)
    for sender in senders:
        sender.close()
    return loop, pooled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--alerts", type=int, default=100)
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=16, help="worker threads per channel")
    ap.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tocsin-alerts-bench-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    os.environ["TOCSIN_DATA_DIR"] = str(tmp)
    if args.database_url:
        os.environ["TOCSIN_DATABASE_URL"] = args.database_url
    settings: Settings = load_settings()
    db, _ = init_store(settings)
    with Receivers(tmp / "tls") as receivers:
        env = {**os.environ, **receivers.env(), "TOCSIN_DATA_DIR": str(tmp),
               "TOCSIN_DATABASE_URL": settings.database_url}  # fmt: skip
        settings = replace(settings, smtp_host="127.0.0.1", smtp_port=receivers.smtp_port,
                           smtp_ca_file=str(receivers.tls.cert),
                           mail_from="alerts@tocsin.example.org")  # fmt: skip
        cfg = SendConfig.from_settings(settings)
        with db.session() as s:
            admin = actor_for(create_user(s, "bench@example.org", "bench passphrase 1", Role.ADMIN))

        # 1. latency: one email and one webhook subscriber
        subscribe(db, receivers, 1, 1)
        district_rule(db, admin)
        worker = start_worker(env, args.concurrency)
        time.sleep(2)  # let it start, so its start-up is not counted as latency
        latencies, latency_ids, direct_alerts = [], [], []
        for n in range(args.alerts):
            event_id, committed = record_act(db, admin, n)
            alert_id = alert_on(db, event_id)
            latencies.append(max(wait_sent(db, alert_id, 2)) - committed)
            latency_ids.append(alert_id)
            time.sleep(0.05 + (n * 37 % 100) / 1000)
        for n in range(20):
            alert_id, committed = record(db, admin, n)
            direct_alerts.append(max(wait_sent(db, alert_id, 2)) - committed)
            time.sleep(0.05 + (n * 37 % 100) / 1000)
        stop_worker(worker)
        direct = Direct(cfg)
        direct_times = []
        for row in outbox_rows(db, latency_ids[:20]):
            started = time.perf_counter()
            direct.send(row)
            direct_times.append(time.perf_counter() - started)
        direct.close()

        # 2. throughput: the same worker settings, a crowd of subscribers, one alert
        with db.session() as s:
            s.query(AlertSubscription).update({"active": False})
        half = args.subscribers // 2
        subscribe(db, receivers, half, args.subscribers - half)
        worker = start_worker(env, args.concurrency)
        time.sleep(2)
        alert_id, committed = record(db, admin, 10_000)
        stamps = wait_sent(db, alert_id, args.subscribers, timeout=300, every=0.1)
        elapsed = max(stamps) - committed
        stop_worker(worker)
        rows = outbox_rows(db, [alert_id])
        loop_rate, pooled_rate = baseline_rates(cfg, rows, args.concurrency)

        with db.session() as s:
            keys = set(s.scalars(select(AlertDelivery.idempotency_key)))
            states = dict(s.execute(select(AlertDelivery.status, func.count())
                                    .group_by(AlertDelivery.status)).all())  # fmt: skip
        seen = receivers.sink.keys()
        ours = {k: n for k, n in seen.items() if not k.startswith("baseline:")}
    lost = len(keys - set(ours))
    duplicated = sum(ours.values()) - len(ours)
    result = {
        "record_to_send_p50_s": round(statistics.median(latencies), 3),
        "record_to_send_p95_s": round(percentile(latencies, 0.95), 3),
        "deliveries_per_s": round(args.subscribers / elapsed, 1),
        "lost": lost,
        "duplicated": duplicated,
        "record_to_send_max_s": round(max(latencies), 3),
        "alert_to_send_p50_s": round(statistics.median(direct_alerts), 3),
        "alert_to_send_p95_s": round(percentile(direct_alerts, 0.95), 3),
        "direct_send_p50_s": round(statistics.median(direct_times), 4),
        "alerts_timed": args.alerts,
        "subscribers": args.subscribers,
        "fan_out_s": round(elapsed, 2),
        "baseline_plain_loop_per_s": round(loop_rate, 1),
        "baseline_threads_per_s": round(pooled_rate, 1),
        "worker_threads_per_channel": args.concurrency,
        "poll_s": settings.alert_poll_s,
        "deliveries": len(keys),
        "outbox_states": states,
        "database": db.dialect,
        "targets": {"record_to_send_p95_s": 2.0, "deliveries_per_s": 200},
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"event recorded to alert sent, through a rule: p50 {result['record_to_send_p50_s']} "
          f"s, p95 {result['record_to_send_p95_s']} s (an alert recorded to sent: p50 "
          f"{result['alert_to_send_p50_s']} s; direct send alone: p50 "
          f"{result['direct_send_p50_s']} s)")
    print(f"deliveries/s to {args.subscribers} subscribers: {result['deliveries_per_s']} "
          f"(plain loop without outbox: {result['baseline_plain_loop_per_s']}, "
          f"{args.concurrency} threads without outbox: {result['baseline_threads_per_s']})")
    print(f"lost {lost}, duplicated {duplicated}; written to {RESULTS}")
    db.dispose()


if __name__ == "__main__":
    main()
