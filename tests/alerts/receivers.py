"""Real receivers for delivery tests and the benchmark: an SMTP server (aiosmtpd) that insists
on STARTTLS with a certificate made here, and an HTTP endpoint for webhooks. Both note every
message they take, with its idempotency key, so a test can count copies.

The webhook endpoint's behaviour is set by the subscription's address: ``?delay=S`` answers
after S seconds; ``?hang_first=S`` holds the first request of each key for S seconds (the
sender times out, then retries); ``?status=N`` answers N.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import compat32
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

KEY_HEADER = "X-Tocsin-Idempotency-Key"


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path


def make_certificate(folder: Path) -> Tls:
    """A self-signed certificate for localhost and 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    tls = Tls(folder / "cert.pem", folder / "key.pem")
    tls.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tls.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    return tls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Sink:
    """Everything received, in order, from any thread."""

    records: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: dict[str, Any]) -> None:
        record["at"] = time.time()
        with self.lock:
            self.records.append(record)

    def of(self, channel: str) -> list[dict[str, Any]]:
        with self.lock:
            found = [r for r in self.records if r["channel"] == channel]
        return [_read_mail(r) if channel == "email" else r for r in found]

    def keys(self, channel: str | None = None) -> Counter[str]:
        with self.lock:
            return Counter(r["key"] for r in self.records
                           if channel is None or r["channel"] == channel)  # fmt: skip


class MailHandler:
    def __init__(self, sink: Sink, delay: float) -> None:
        self.sink, self.delay = sink, delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        # Only the key now (the headers, with the fast legacy parser): a benchmark's receiver
        # must not be the slow part. The rest is read when a test asks (Sink.of).
        head = BytesParser(policy=compat32).parsebytes(envelope.content, headersonly=True)
        self.sink.add({"channel": "email", "key": head[KEY_HEADER],
                       "to": list(envelope.rcpt_tos), "raw": envelope.content,
                       "tls": session.ssl is not None  # STARTTLS, or implicit TLS:
                       or server.transport.get_extra_info("ssl_object") is not None})  # fmt: skip
        return "250 Message accepted for delivery"


def _read_mail(record: dict[str, Any]) -> dict[str, Any]:
    msg = email.message_from_bytes(record["raw"].replace(b"\r\n", b"\n"), policy=default_policy)
    body = msg.get_body(("plain",))
    return {**record, "subject": str(msg["Subject"]), "message_id": str(msg["Message-ID"]),
            "language": str(msg["Content-Language"]), "key": str(msg[KEY_HEADER]),
            "body": body.get_content() if body is not None else ""}  # fmt: skip


def _hook_handler(sink: Sink) -> type[BaseHTTPRequestHandler]:
    first_seen: set[str] = set()
    guard = threading.Lock()

    class Hook(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real endpoint would

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("Idempotency-Key", "")
            sink.add({"channel": "webhook", "key": key, "path": self.path,
                      "headers": dict(self.headers.items()), "body": body})  # fmt: skip
            query = parse_qs(urlsplit(self.path).query)
            delay = float(query.get("delay", ["0"])[0])
            with guard:
                first = key not in first_seen
                first_seen.add(key)
            if first and "hang_first" in query:
                delay = float(query["hang_first"][0])
            if delay:
                time.sleep(delay)
            self.send_response(int(query.get("status", ["200"])[0]))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Hook


class Receivers:
    """Both servers, started together on free loopback ports."""

    def __init__(self, folder: Path, smtp_delay: float = 0.0, webhook_servers: int = 1,
                 implicit_tls: bool = False) -> None:  # fmt: skip
        self.sink = Sink()
        self.tls = make_certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.tls.cert, self.tls.key)
        self.smtp_port = free_port()
        self.smtp_tls = "tls" if implicit_tls else "starttls"
        # Implicit TLS (port 465 style) wraps the whole connection; otherwise STARTTLS is
        # required before any mail is accepted.
        tls: dict[str, Any] = ({"ssl_context": context} if implicit_tls
                               else {"tls_context": context, "require_starttls": True})
        self.smtp = Controller(MailHandler(self.sink, smtp_delay), hostname="127.0.0.1",
                               port=self.smtp_port, **tls)  # fmt: skip
        # Several webhook servers stand for several receivers (each its own host and port).
        self.http = [ThreadingHTTPServer(("127.0.0.1", 0), _hook_handler(self.sink))
                     for _ in range(webhook_servers)]  # fmt: skip
        for server in self.http:
            server.daemon_threads = True

    def url(self, query: str = "", server: int = 0) -> str:
        port = self.http[server].server_address[1]
        return f"http://127.0.0.1:{port}/hook" + (f"?{query}" if query else "")

    def start(self) -> Receivers:
        self.smtp.start()
        for server in self.http:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.smtp.stop()
        for server in self.http:
            server.shutdown()
            server.server_close()

    def env(self) -> dict[str, str]:
        """The worker's settings for these receivers."""
        return {"TOCSIN_SMTP_HOST": "127.0.0.1", "TOCSIN_SMTP_PORT": str(self.smtp_port),
                "TOCSIN_SMTP_TLS": self.smtp_tls, "TOCSIN_SMTP_CA_FILE": str(self.tls.cert),
                "TOCSIN_MAIL_FROM": "alerts@tocsin.example.org"}  # fmt: skip

    def __enter__(self) -> Receivers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
