"""The words the alert pages use for the alert service's codes (states, CAP scales, categories,
sources, actions, delivery states, steps of the timeline), marked for translation once, here.
The codes themselves come from ``tocsin.alerts.vocab``."""

from __future__ import annotations

from typing import Any

from tocsin.alerts.escalation_models import SkipReason
from tocsin.alerts.vocab import (
    ActionKind,
    AlertSource,
    AlertState,
    Category,
    Certainty,
    Channel,
    DeliveryStatus,
    Severity,
    Urgency,
)
from tocsin.core.tlp import TLP
from tocsin.web.i18n import N_
from tocsin.web.pages import alert_clock
from tocsin.web.pages.dashboard import country_names

STATES: dict[str, str] = {
    AlertState.DRAFT: N_("draft"),
    AlertState.ISSUED: N_("issued"),
    AlertState.UPDATED: N_("updated"),
    AlertState.CANCELLED: N_("cancelled"),
    AlertState.CLOSED: N_("closed"),
}
SEVERITIES: dict[str, str] = {
    Severity.EXTREME: N_("extreme"),
    Severity.SEVERE: N_("severe"),
    Severity.MODERATE: N_("moderate"),
    Severity.MINOR: N_("minor"),
    Severity.UNKNOWN: N_("unknown severity"),
}
URGENCIES: dict[str, str] = {
    Urgency.IMMEDIATE: N_("immediate"),
    Urgency.EXPECTED: N_("expected soon"),
    Urgency.FUTURE: N_("in the near future"),
    Urgency.PAST: N_("no longer expected"),
    Urgency.UNKNOWN: N_("unknown urgency"),
}
CERTAINTIES: dict[str, str] = {
    Certainty.OBSERVED: N_("observed"),
    Certainty.LIKELY: N_("likely"),
    Certainty.POSSIBLE: N_("possible"),
    Certainty.UNLIKELY: N_("unlikely"),
    Certainty.UNKNOWN: N_("unknown certainty"),
}
CATEGORIES: dict[str, str] = {
    Category.COMMUNITY_THREAT: N_("Threat to a community"),
    Category.DEFENDER_THREAT: N_("Threat to a human rights defender"),
    Category.SCHOOL_OR_HOSPITAL_ATTACK: N_("Attack on a school or hospital"),
    Category.CULTURAL_PROPERTY: N_("Cultural property at risk"),
    Category.INCITEMENT: N_("Incitement to violence"),
    Category.DISPLACEMENT: N_("Forced displacement"),
    Category.OTHER: N_("Other risk of atrocity crimes"),
}
SOURCES: dict[str, str] = {
    AlertSource.MANUAL: N_("raised by hand"),
    AlertSource.RULE: N_("raised by a rule"),
    AlertSource.CAP_IMPORT: N_("imported from CAP"),
}
ACTIONS: dict[str, str] = {
    ActionKind.URGENT_APPEAL: N_("Urgent appeal sent"),
    ActionKind.AUTHORITIES_CONTACTED: N_("Authorities contacted"),
    ActionKind.RELOCATION: N_("Relocation arranged"),
    ActionKind.PROTECTIVE_ACCOMPANIMENT: N_("Protective accompaniment"),
    ActionKind.PUBLIC_STATEMENT: N_("Public statement"),
    ActionKind.REFERRAL: N_("Referral"),
    ActionKind.OTHER: N_("Other action"),
}
DELIVERY: dict[str, str] = {
    DeliveryStatus.PENDING: N_("waiting"),
    DeliveryStatus.SENDING: N_("sending"),
    DeliveryStatus.DELIVERED: N_("delivered"),
    DeliveryStatus.RETRYING: N_("to retry"),
    DeliveryStatus.DEAD: N_("given up"),
}
CHANNELS: dict[str, str] = {Channel.EMAIL: N_("Email"), Channel.WEBHOOK: N_("Webhook")}
# Steps of the timeline: the alert's own history, then what the page adds to it.
STEPS: dict[str, str] = {
    "drafted": N_("Drafted"),
    AlertState.ISSUED: N_("Issued"),
    AlertState.UPDATED: N_("Updated"),
    AlertState.CANCELLED: N_("Cancelled"),
    AlertState.CLOSED: N_("Closed"),
    "acknowledged": N_("Acknowledged"),
    "action": N_("Action taken"),
    "escalated": N_("Escalated"),
    "exhausted": N_("Escalation chain ran out"),
}
# Why someone on an escalation step was not told: the codes of
# tocsin.alerts.escalation_models.SkipReason, not imported, as the pages work without it.
NOT_TOLD: dict[str, str] = {
    SkipReason.UNKNOWN: N_("no such account"),
    SkipReason.INACTIVE: N_("account disabled"),
    SkipReason.NO_PERMISSION: N_("may no longer act on alerts"),
    SkipReason.NOT_CLEARED: N_("not cleared to see this alert"),
}
TLP_CHOICES: list[tuple[str, str]] = [(t.label, f"TLP:{t.label}") for t in TLP]


def choices(words: dict[str, str], translate: Any) -> list[tuple[str, str]]:
    """(code, words) for a select, in the vocabulary's order."""
    return [(code, translate(text)) for code, text in words.items()]


def area(country: str | None, admin_area: str | None, lang: str) -> str:
    """The country's name in the reader's language, with the area when there is one."""
    name = country_names(lang).get(country, country) if country else ""
    return ", ".join(part for part in (admin_area, name) if part)


def words() -> dict[str, Any]:
    """What every alert template gets to name codes and times."""
    return {
        "state_words": STATES,
        "severity_words": SEVERITIES,
        "urgency_words": URGENCIES,
        "certainty_words": CERTAINTIES,
        "category_words": CATEGORIES,
        "source_words": SOURCES,
        "action_words": ACTIONS,
        "delivery_words": DELIVERY,
        "channel_words": CHANNELS,
        "step_words": STEPS,
        "not_told_words": NOT_TOLD,
        "area": area,
        "duration": alert_clock.duration,
        "ago": alert_clock.ago,
        "deadline": alert_clock.deadline,
    }
