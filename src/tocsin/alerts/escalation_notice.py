"""The notice an escalation sends each person of the step it calls: "nobody acknowledged this
alert in time; you are next", as an outbox row to their account email.

It carries the alert's own outgoing text only (title, scales, area), its sharing level and a
link: never its description, links, owner or chain, nor the name of anyone on it. The text is
checked for protected identities again when the notice is made (a person's consent may have
been withdrawn since the alert was issued); if it names one, the notice says only that an alert
needs them, and the link. Its idempotency key is "<identifier>:escalation:<level>:<user id>".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tocsin.alerts import protection
from tocsin.alerts.delivery_models import DeliveryPurpose
from tocsin.alerts.email_text import label, pick_language, value
from tocsin.alerts.models import Alert
from tocsin.alerts.vocab import Channel, DeliveryStatus
from tocsin.core.errors import ValidationFailed
from tocsin.core.ids import new_id
from tocsin.core.models import User
from tocsin.core.tlp import TLP

KEY_MAX = 120  # the outbox key column's width
MAX_SUBJECT = 200
MSG_TYPE = "Escalation"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Escalation, step {level} of {steps}",
        "missed": "Nobody acknowledged this alert by {missed}.",
        "next": "You are on step {level} of {steps} of its escalation chain: open it in Tocsin "
                "and acknowledge it by {next}, or the next step will be called.",
        "last": "You are on step {level} of {steps} of its escalation chain, the last: open it "
                "in Tocsin and acknowledge it by {next}. Nobody further will be called.",
        "hidden": "Its text cannot be sent by email: open it in Tocsin to read it.",
        "why": "You receive this because you are on this alert's escalation chain.",
    },
    "fr": {
        "subject": "Escalade, étape {level} sur {steps}",
        "missed": "Personne n'a accusé réception de cette alerte avant le {missed}.",
        "next": "Vous êtes à l'étape {level} sur {steps} de sa chaîne d'escalade\u00a0: ouvrez-la "
                "dans Tocsin et accusez-en réception avant le {next}, faute de quoi l'étape "
                "suivante sera appelée.",
        "last": "Vous êtes à l'étape {level} sur {steps} de sa chaîne d'escalade, la "
                "dernière\u00a0: ouvrez-la dans Tocsin et accusez-en réception avant le {next}. "
                "Personne d'autre ne sera appelé.",
        "hidden": "Son texte ne peut pas être envoyé par courriel\u00a0: ouvrez-la dans Tocsin "
                  "pour la lire.",
        "why": "Vous recevez ce message parce que vous figurez dans la chaîne d'escalade de "
               "cette alerte.",
    },
    "ar": {
        "subject": "تصعيد، المرحلة {level} من {steps}",
        "missed": "لم يؤكد أحد استلام هذا التنبيه قبل {missed}.",
        "next": "أنت في المرحلة {level} من {steps} من سلسلة التصعيد الخاصة به: افتحه في Tocsin "
                "وأكّد استلامه قبل {next}، وإلا ستُستدعى المرحلة التالية.",
        "last": "أنت في المرحلة {level} من {steps} من سلسلة التصعيد الخاصة به، وهي الأخيرة: "
                "افتحه في Tocsin وأكّد استلامه قبل {next}. لن يُستدعى أحد بعدك.",
        "hidden": "لا يمكن إرسال نصه بالبريد الإلكتروني: افتحه في Tocsin لقراءته.",
        "why": "تصلك هذه الرسالة لأنك مدرج في سلسلة التصعيد الخاصة بهذا التنبيه.",
    },
}  # fmt: skip


def notice_key(identifier: str, level: int, user_id: str) -> str:
    tail = f":escalation:{level}:{user_id}"
    if len(identifier) + len(tail) > KEY_MAX:  # a long imported CAP identifier
        identifier = "sha256-" + hashlib.sha256(identifier.encode()).hexdigest()[:40]
    return identifier + tail


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def text_may_leave(session: Session, alert: Alert) -> bool:
    """Whether the alert's outgoing text is still free of protected identities."""
    try:
        protection.check_alert(session, alert)
    except ValidationFailed:
        return False
    return True


@dataclass(frozen=True)
class Step:
    """What every notice of one escalation shares."""

    level: int
    steps: int
    missed: datetime
    next_deadline: datetime
    base: str
    show_text: bool


def render(alert: Alert, step: Step, language: str, key: str) -> dict[str, Any]:
    """Subject and plain-text body in the person's language (the alert's own words as written)."""
    lang = pick_language([language], alert.language)
    words = WORDS.get(lang, WORDS["en"])
    fill = {"level": step.level, "steps": step.steps, "missed": _when(step.missed),
            "next": _when(step.next_deadline)}  # fmt: skip
    tlp = TLP(alert.tlp).label
    subject = f"[TLP:{tlp}] {words['subject'].format(**fill)}"
    lines = [words["missed"].format(**fill),
             words["last" if step.level >= step.steps else "next"].format(**fill), ""]  # fmt: skip
    if step.show_text:
        subject += f": {_one_line(alert.title)}"
        lines += [alert.title, ""]
        for field in ("severity", "urgency"):
            lines.append(f"{label(lang, field)}: {value(lang, getattr(alert, field))}")
        area = ", ".join(p for p in (alert.admin_area, alert.country) if p)
        if area:
            lines.append(f"{label(lang, 'area')}: {area}")
    else:
        lines.append(words["hidden"])
    lines += [
        f"{label(lang, 'tlp')}: TLP:{tlp}. {label(lang, 'handling')}",
        f"{label(lang, 'version')}: {alert.identifier} v{alert.version}",
        f"{label(lang, 'link')}: {step.base}/alerts/{alert.id}",
        "",
        "-- ",
        words["why"],
        key,
    ]
    return {"msg_type": MSG_TYPE, "subject": subject[:MAX_SUBJECT],
            "text": "\n".join(lines) + "\n", "language": lang}  # fmt: skip


def outbox_rows(alert: Alert, step: Step, people: list[User], now: datetime
                ) -> list[dict[str, Any]]:  # fmt: skip
    """One email row per person, due at once."""
    rows = []
    for user in people:
        key = notice_key(alert.identifier, step.level, user.id)
        rows.append({
            "id": new_id(), "alert_id": alert.id, "alert_version": alert.version,
            "subscription_id": None, "recipient_user_id": user.id,
            "purpose": DeliveryPurpose.ESCALATION.value, "channel": Channel.EMAIL.value,
            "idempotency_key": key, "status": DeliveryStatus.PENDING.value, "attempts": 0,
            "next_attempt_at": now, "payload": render(alert, step, user.language, key),
            "created_at": now, "enqueued_at": now,
        })  # fmt: skip
    return rows
