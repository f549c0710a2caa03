"""What every channel's sender shares: its settings, its one kind of failure, and the
connections it keeps open between messages (closed when the worker stops)."""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tocsin.core.errors import ConfigurationError
from tocsin.core.settings import Settings

SMTP_TLS_MODES = ("starttls", "tls", "none")


class DeliveryFailed(Exception):
    """One attempt did not reach the receiver; the outbox retries it later."""


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SendConfig:
    smtp_host: str
    smtp_port: int
    smtp_tls: str
    smtp_user: str
    smtp_password: str
    smtp_ca_file: str
    mail_from: str
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SendConfig:
        cfg = cls(settings.smtp_host, settings.smtp_port, settings.smtp_tls, settings.smtp_user,
                  settings.smtp_password, settings.smtp_ca_file, settings.mail_from,
                  settings.alert_send_timeout_s)  # fmt: skip
        cfg.check()
        return cfg

    def check(self) -> None:
        if self.smtp_tls not in SMTP_TLS_MODES:
            raise ConfigurationError(
                f"TOCSIN_SMTP_TLS is {self.smtp_tls!r}; use one of {', '.join(SMTP_TLS_MODES)}"
            )
        # Alert text and a relay password must not cross a network in clear.
        if self.smtp_tls == "none" and not is_loopback(self.smtp_host):
            raise ConfigurationError(
                "TOCSIN_SMTP_TLS=none is allowed only for a relay on this machine "
                f"(TOCSIN_SMTP_HOST is {self.smtp_host!r})"
            )
        if self.timeout_s <= 0:
            raise ConfigurationError("TOCSIN_ALERT_SEND_TIMEOUT must be more than 0 seconds")


class ConnectionCache:
    """One open connection per thread and configuration, so a burst of deliveries does not
    pay a TCP and TLS handshake each; every one is closed by ``close_all``."""

    def __init__(self, close: Callable[[Any], None]) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Any] = []
        self._close = close

    def get(self, key: object) -> Any:
        return getattr(self._local, "conns", {}).get(key)

    def put(self, key: object, conn: Any) -> None:
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        conns[key] = conn
        with self._lock:
            self._open.append(conn)

    def drop(self, key: object) -> None:
        conn = getattr(self._local, "conns", {}).pop(key, None)
        if conn is not None:
            self._quietly_close(conn)

    def close_all(self) -> None:
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            self._quietly_close(conn)

    def _quietly_close(self, conn: Any) -> None:
        with contextlib.suppress(Exception):  # closing a dead connection has nothing to report
            self._close(conn)
