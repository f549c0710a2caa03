"""How Tocsin's alert words map onto CAP 1.2 (OASIS Common Alerting Protocol), both ways.

One table per mapping, read by the writer (``cap``), the reader (``cap_input``) and the docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pycountry

from tocsin.alerts.vocab import Category, Certainty
from tocsin.core.tlp import TLP

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
STATUS = "Actual"
SENDER_NAME = "Tocsin early warning"
CATEGORY_CODE = "tocsin:category"  # <eventCode> valueName carrying our own category
GEOCODE_COUNTRY = "ISO 3166-1 alpha-2"  # <geocode> valueName of the country
UNNAMED_AREA = "Area not named"  # <areaDesc> is required; an alert may have only a polygon
CAP_CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
                  "Transport", "Infra", "CBRNE", "Other")  # fmt: skip

# CAP has no words for atrocity risks: each category goes out as the nearest CAP categories,
# with an <event> text and our own code as an <eventCode>.
CATEGORY_TO_CAP: dict[Category, tuple[str, ...]] = {
    Category.COMMUNITY_THREAT: ("Security", "Safety"),
    Category.DEFENDER_THREAT: ("Security",),
    Category.SCHOOL_OR_HOSPITAL_ATTACK: ("Security", "Infra"),
    Category.CULTURAL_PROPERTY: ("Security", "Infra"),
    Category.INCITEMENT: ("Security",),
    Category.DISPLACEMENT: ("Safety", "Rescue"),
    Category.OTHER: ("Other",),
}
CATEGORY_EVENT: dict[Category, str] = {
    Category.COMMUNITY_THREAT: "Threat to a community",
    Category.DEFENDER_THREAT: "Threat to a human rights defender",
    Category.SCHOOL_OR_HOSPITAL_ATTACK: "Attack on a school or hospital",
    Category.CULTURAL_PROPERTY: "Cultural property at risk",
    Category.INCITEMENT: "Incitement to violence",
    Category.DISPLACEMENT: "Forced displacement",
    Category.OTHER: "Risk of atrocity crimes",
}

# TLP 2.0 onto CAP <scope>: CLEAR and GREEN are Public; AMBER levels Restricted with the TLP
# rule as <restriction>; RED Private, addressed to its named recipients.
RESTRICTIONS: dict[TLP, str] = {
    TLP.AMBER: "TLP:AMBER - share only within your organisation and with its clients, "
    "on a need-to-know basis",
    TLP.AMBER_STRICT: "TLP:AMBER+STRICT - share only within your organisation, "
    "on a need-to-know basis",
}


def country_name(code: str) -> str:
    """English short name, or the code itself for user-assigned codes (exercises, demos)."""
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found is not None else code


def scope_of(tlp: TLP) -> str:
    if tlp >= TLP.RED:
        return "Private"
    return "Restricted" if tlp >= TLP.AMBER else "Public"


def tlp_of_scope(scope: str) -> TLP:
    return {"Public": TLP.CLEAR, "Restricted": TLP.AMBER, "Private": TLP.RED}[scope]


def cap_word(value: str) -> str:
    """Our lower-case scale words as CAP spells them: "extreme" -> "Extreme"."""
    return value[:1].upper() + value[1:]


def our_word(value: str) -> str:
    """CAP's scale words as ours; CAP 1.1's "Very Likely" reads as likely."""
    word = value.strip().lower()
    return Certainty.LIKELY.value if word == "very likely" else word


def cap_time(moment: datetime) -> str:
    """CAP's dateTime: seconds, and an explicit offset (never "Z", which the schema refuses)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def coordinate(value: float) -> str:
    """A latitude or longitude in plain decimal (never 1e-05), as CAP <polygon> wants."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class CapSite:
    """Where this Tocsin answers: the sender's name and the addresses CAP and the feed give."""

    base_url: str = "http://localhost:8000"
    api_prefix: str = "/api/v1"

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def sender(self) -> str:
        return f"tocsin@{urlsplit(self.root).hostname or 'localhost'}"

    def page(self, alert_id: str) -> str:
        return f"{self.root}/alerts/{alert_id}"

    def cap_xml(self, alert_id: str) -> str:
        return f"{self.root}{self.api_prefix}/alerts/{alert_id}/cap.xml"

    def cap_json(self, alert_id: str) -> str:
        return f"{self.root}{self.api_prefix}/alerts/{alert_id}/cap.json"

    def feed(self) -> str:
        return f"{self.root}{self.api_prefix}/alerts/feed.atom"


def message_identifier(identifier: str, version: int) -> str:
    """CAP wants a new identifier for every message; ours is the alert's plus its version."""
    return f"{identifier}:v{version}"
