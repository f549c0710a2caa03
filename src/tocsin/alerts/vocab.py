"""The words of early warning, defined once: alert states, the CAP 1.2 severity, urgency and
certainty scales (lower-cased), categories, channels, delivery states, rule kinds and actions.
Columns hold the values as plain strings; services and forms read them from here."""

from __future__ import annotations

from enum import StrEnum


class AlertState(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    UPDATED = "updated"  # issued, then changed: a new CAP version referencing the earlier ones
    CANCELLED = "cancelled"
    CLOSED = "closed"


class Severity(StrEnum):
    """CAP <severity>. ``rank`` orders them so "at least moderate" is one comparison."""

    EXTREME = "extreme"
    SEVERE = "severe"
    MODERATE = "moderate"
    MINOR = "minor"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


# Unknown ranks lowest: a subscriber asking for "severe and above" is not sent guesses.
_SEVERITY_RANK = {
    Severity.UNKNOWN: 0,
    Severity.MINOR: 1,
    Severity.MODERATE: 2,
    Severity.SEVERE: 3,
    Severity.EXTREME: 4,
}


class Urgency(StrEnum):
    """CAP <urgency>."""

    IMMEDIATE = "immediate"
    EXPECTED = "expected"
    FUTURE = "future"
    PAST = "past"
    UNKNOWN = "unknown"


class Certainty(StrEnum):
    """CAP <certainty>."""

    OBSERVED = "observed"
    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"
    UNKNOWN = "unknown"


class Category(StrEnum):
    """What is threatened. CAP's own <category> list has no such terms, so CAP output carries
    "Safety" and this value as an event code."""

    COMMUNITY_THREAT = "community_threat"
    DEFENDER_THREAT = "defender_threat"
    SCHOOL_OR_HOSPITAL_ATTACK = "school_or_hospital_attack"
    CULTURAL_PROPERTY = "cultural_property"
    INCITEMENT = "incitement"
    DISPLACEMENT = "displacement"
    OTHER = "other"


class AlertSource(StrEnum):
    """How an alert came to exist."""

    MANUAL = "manual"
    RULE = "rule"
    CAP_IMPORT = "cap_import"


class LinkKind(StrEnum):
    """What kind of record an alert link points at."""

    EVENT = "event"
    ACT = "act"
    ASSESSMENT = "assessment"
    EVIDENCE = "evidence"
    FORECAST_RUN = "forecast_run"
    AREA = "area"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until ``locked_until``; then claimable again
    DELIVERED = "delivered"
    RETRYING = "retrying"
    DEAD = "dead"  # gave up after the last attempt; kept for the record


class RuleKind(StrEnum):
    ACT_THRESHOLD = "act_threshold"
    ACT_SPIKE = "act_spike"
    EVENT_SPIKE = "event_spike"
    RISK_LEVEL = "risk_level"


class ActionKind(StrEnum):
    URGENT_APPEAL = "urgent_appeal"
    AUTHORITIES_CONTACTED = "authorities_contacted"
    RELOCATION = "relocation"
    PROTECTIVE_ACCOMPANIMENT = "protective_accompaniment"
    PUBLIC_STATEMENT = "public_statement"
    REFERRAL = "referral"
    OTHER = "other"
