"""Email delivery through an SMTP relay, over STARTTLS or implicit TLS, certificates checked.

Each message carries the delivery's idempotency key twice: in ``X-Tocsin-Idempotency-Key``,
and as the ``Message-ID`` (derived from it), so a retry is the same message to mail clients too.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email import charset as charsets
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate
from typing import Any

from tocsin.alerts.outbox import Claimed
from tocsin.alerts.sending import ConnectionCache, DeliveryFailed, SendConfig

KEY_HEADER = "X-Tocsin-Idempotency-Key"
# The legacy (compat32) generator is four times cheaper than the modern one, which matters at
# hundreds of messages a second. Lines may run to RFC 5322's limit, so the key header is never
# folded (a folded key reaches some receivers with a leading space and no longer matches the
# key of a retry); the subject is folded by RFC 2047 before it is set.
POLICY = compat32.clone(max_line_length=998, linesep="\r\n")
UTF8 = charsets.Charset("utf-8")
UTF8.body_encoding = charsets.QP  # readable in a raw mail view, unlike base64


def message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "tocsin.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def render_message(cfg: SendConfig, to: str, payload: dict[str, Any], key: str) -> bytes:
    text: str = payload["text"]
    msg = MIMEText(text, "plain", "us-ascii" if text.isascii() else UTF8)  # type: ignore[arg-type]
    subject: str = payload["subject"]
    msg["From"] = cfg.mail_from
    msg["To"] = to
    msg["Subject"] = Header(subject, "us-ascii" if subject.isascii() else "utf-8",
                            header_name="Subject").encode()  # fmt: skip
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id(key, cfg.mail_from)
    msg[KEY_HEADER] = key
    msg["Content-Language"] = payload.get("language", "en")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
    return msg.as_bytes(policy=POLICY)


def connect(cfg: SendConfig) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=cfg.smtp_ca_file or None)
    conn: smtplib.SMTP
    if cfg.smtp_tls == "tls":
        conn = smtplib.SMTP_SSL(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_s,
                                context=context)  # fmt: skip
    else:
        conn = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_s)
        if cfg.smtp_tls == "starttls":
            conn.starttls(context=context)
    if cfg.smtp_user:
        conn.login(cfg.smtp_user, cfg.smtp_password)
    return conn


def close(conn: Any) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()  # the message was taken; a rude goodbye changes nothing


def send_email(item: Claimed, cfg: SendConfig, cache: ConnectionCache | None = None) -> None:
    """Hand one message to the relay; DeliveryFailed if it did not take it."""
    msg = render_message(cfg, item.address, item.payload, item.key)
    if cache is not None and (kept := cache.get(cfg)) is not None:
        try:
            kept.sendmail(cfg.mail_from, [item.address], msg)
            return
        except smtplib.SMTPServerDisconnected:
            cache.drop(cfg)  # the relay closed an idle connection: open a new one below
        except (smtplib.SMTPException, OSError) as exc:
            cache.drop(cfg)
            raise DeliveryFailed(f"SMTP: {exc}") from exc
    try:
        conn = connect(cfg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP: {exc}") from exc
    try:
        conn.sendmail(cfg.mail_from, [item.address], msg)
    except (smtplib.SMTPException, OSError) as exc:
        conn.close()
        raise DeliveryFailed(f"SMTP: {exc}") from exc
    if cache is None:
        close(conn)
    else:
        cache.put(cfg, conn)
