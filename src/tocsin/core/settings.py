"""Typed settings, read once from ``TOCSIN_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tocsin.core.errors import ConfigurationError

DEV_SECRET = "tocsin-development-only"  # noqa: S105 - refused in production below


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TOCSIN_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"TOCSIN_{name}")
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything an operator can set. Defaults are safe for one person on a laptop."""

    data_dir: Path
    database_url: str
    key_file: Path
    evidence_dir: Path
    environment: str = "development"
    secret_key: str = DEV_SECRET
    session_max_age_s: int = 8 * 3600
    session_idle_s: int = 30 * 60
    token_max_age_s: int = 24 * 3600
    login_max_failures: int = 5
    login_window_s: int = 15 * 60
    cookie_secure: bool = False
    default_page_size: int = 50
    # Alert delivery (alerts/worker.py): the mail relay, the public address links point at,
    # and how the outbox worker paces, retries and gives up.
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: str = "starttls"  # starttls, tls (implicit, port 465) or none (loopback relay only)
    smtp_ca_file: str = ""  # a private relay's certificate authority; empty: the system's
    mail_from: str = "tocsin@localhost"
    public_url: str = "http://localhost:8000"
    alert_workers: int = 8
    alert_max_attempts: int = 12
    alert_retry_base_s: float = 30.0
    alert_send_timeout_s: float = 10.0
    alert_lease_s: float = 60.0
    alert_poll_s: float = 0.2
    alert_escalation_interval_s: float = 15.0  # how often the worker runs the escalation clock

    def check_production(self) -> None:
        """Refuse to run a production server on development defaults."""
        if self.environment != "production":
            return
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise ConfigurationError(
                "TOCSIN_SECRET_KEY must be set to a random value of at least 32 characters "
                "when TOCSIN_ENVIRONMENT=production"
            )
        if not self.cookie_secure:
            raise ConfigurationError(
                "TOCSIN_COOKIE_SECURE must be true when TOCSIN_ENVIRONMENT=production"
            )


def load_settings() -> Settings:
    data_dir = Path(_env("DATA_DIR", "./var")).expanduser().resolve()
    default_db = f"sqlite:///{data_dir / 'tocsin.sqlite3'}"
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", default_db),
        key_file=Path(_env("KEY_FILE", str(data_dir / "keys" / "tocsin.keys"))).expanduser(),
        evidence_dir=Path(_env("EVIDENCE_DIR", str(data_dir / "evidence"))).expanduser(),
        environment=_env("ENVIRONMENT", "development"),
        secret_key=_env("SECRET_KEY", DEV_SECRET),
        session_max_age_s=int(_env("SESSION_MAX_AGE", str(8 * 3600))),
        session_idle_s=int(_env("SESSION_IDLE", str(30 * 60))),
        token_max_age_s=int(_env("TOKEN_MAX_AGE", str(24 * 3600))),
        login_max_failures=int(_env("LOGIN_MAX_FAILURES", "5")),
        login_window_s=int(_env("LOGIN_WINDOW", str(15 * 60))),
        cookie_secure=_env_bool("COOKIE_SECURE", False),
        smtp_host=_env("SMTP_HOST", "localhost"),
        smtp_port=int(_env("SMTP_PORT", "587")),
        smtp_user=_env("SMTP_USER", ""),
        smtp_password=_env("SMTP_PASSWORD", ""),
        smtp_tls=_env("SMTP_TLS", "starttls").strip().lower(),
        smtp_ca_file=_env("SMTP_CA_FILE", ""),
        mail_from=_env("MAIL_FROM", "tocsin@localhost"),
        public_url=_env("PUBLIC_URL", "http://localhost:8000").rstrip("/"),
        alert_workers=int(_env("ALERT_WORKERS", "8")),
        alert_max_attempts=int(_env("ALERT_MAX_ATTEMPTS", "12")),
        alert_retry_base_s=float(_env("ALERT_RETRY_BASE", "30")),
        alert_send_timeout_s=float(_env("ALERT_SEND_TIMEOUT", "10")),
        alert_lease_s=float(_env("ALERT_LEASE", "60")),
        alert_poll_s=float(_env("ALERT_POLL", "0.2")),
        alert_escalation_interval_s=float(_env("ALERT_ESCALATION_INTERVAL", "15")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
