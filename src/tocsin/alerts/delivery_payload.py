"""What a delivery says, rendered when it is enqueued: a retry next week sends the words the
alert had at that version, not whatever it says by then.

Only the alert's own text and public fields go out: never its links to case records, its
recipients, owner or author, and never anything read from a person record. Keeping protected
identities out of the alert's text is checked when the alert is issued (alerts/protection.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tocsin.alerts.email_text import label, pick_language, value
from tocsin.alerts.models import Alert
from tocsin.alerts.vocab import AlertState, Channel
from tocsin.core.tlp import TLP

MSG_TYPES = {AlertState.ISSUED: "Alert", AlertState.UPDATED: "Update",
             AlertState.CANCELLED: "Cancel"}  # fmt: skip
MAX_SUBJECT = 200


def msg_type(state: str) -> str:
    return MSG_TYPES[AlertState(state)]


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def alert_document(alert: Alert, kind: str, sent: datetime, key: str, base: str) -> dict[str, Any]:
    """The alert as JSON for a webhook, with CAP's names where CAP has one."""
    return {
        "idempotency_key": key,  # inside the signed body, so a receiver can trust it
        "identifier": alert.identifier,
        "version": alert.version,
        "msgType": kind,
        "status": "Actual",
        "sent": sent.isoformat(),
        "references": list(alert.references or []),
        "tlp": TLP(alert.tlp).label,
        "language": alert.language,
        "category": alert.category,
        "severity": alert.severity,
        "urgency": alert.urgency,
        "certainty": alert.certainty,
        "headline": alert.title,
        "description": alert.description,
        "instruction": alert.instruction,
        "area": {
            "country": alert.country,
            "admin_area": alert.admin_area,
            "polygon": alert.polygon,
        },
        "expires": _iso(alert.expires_at),
        "web": f"{base}/alerts/{alert.id}",
        "cap": f"{base}/api/v1/alerts/{alert.id}/cap.xml",
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def email_message(
    alert: Alert, kind: str, key: str, base: str, subscription_name: str, languages: list[str]
) -> dict[str, str]:
    """Subject and plain-text body, framed in the subscriber's language where we have it."""
    lang = pick_language(languages, alert.language)
    tlp = TLP(alert.tlp).label
    subject = _one_line(
        f"[TLP:{tlp}] {label(lang, kind)} ({value(lang, alert.severity)}): {alert.title}"
    )
    area = ", ".join(p for p in (alert.admin_area, alert.country) if p)
    lines = [alert.title, ""]
    if kind == "Cancel":
        lines += [label(lang, "cancelled"), ""]
    if alert.description:
        lines += [alert.description, ""]
    if alert.instruction:
        lines += [f"{label(lang, 'instruction')}: {alert.instruction}", ""]
    for field in ("severity", "urgency", "certainty"):
        lines.append(f"{label(lang, field)}: {value(lang, getattr(alert, field))}")
    lines.append(f"{label(lang, 'category')}: {alert.category.replace('_', ' ')}")
    if area:
        lines.append(f"{label(lang, 'area')}: {area}")
    lines += [
        f"{label(lang, 'tlp')}: TLP:{tlp}. {label(lang, 'handling')}",
        f"{label(lang, 'version')}: {alert.identifier} v{alert.version}",
        f"{label(lang, 'link')}: {base}/alerts/{alert.id}",
        "",
        "-- ",
        label(lang, "why").format(name=_one_line(subscription_name)),
        key,
    ]
    return {"subject": subject[:MAX_SUBJECT], "text": "\n".join(lines) + "\n", "language": lang}


def render(
    channel: str, alert: Alert, sent: datetime, key: str, base: str,
    subscription_name: str, languages: list[str],
) -> dict[str, Any]:  # fmt: skip
    kind = msg_type(alert.state)
    if channel == Channel.WEBHOOK:
        return {"msg_type": kind, "document": alert_document(alert, kind, sent, key, base)}
    return {"msg_type": kind, **email_message(alert, kind, key, base, subscription_name,
                                              languages)}  # fmt: skip
