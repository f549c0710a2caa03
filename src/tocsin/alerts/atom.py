"""An Atom feed (RFC 4287) of the issued alerts a reader may see, newest first, each entry
pointing at its CAP XML, as CAP aggregators expect a feed of alerts to look."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts import views
from tocsin.alerts.cap_map import SENDER_NAME, CapSite
from tocsin.alerts.models import Alert, AlertChange
from tocsin.alerts.schemas import AlertSummary
from tocsin.alerts.visibility import audit_rows, visible_query
from tocsin.alerts.vocab import AlertState
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
FEED_STATES = (AlertState.ISSUED.value, AlertState.UPDATED.value, AlertState.CANCELLED.value)
MAX_ENTRIES = 200


def feed_alerts(session: Session, actor: Actor, limit: int = MAX_ENTRIES) -> list[AlertSummary]:
    """Alerts out in the world (issued, updated or cancelled) the actor may see, newest version
    first. Reads of protected ones are audited, as any list."""
    last_sent = (
        select(AlertChange.alert_id, func.max(AlertChange.at).label("at"))
        .where(AlertChange.to_state.in_(FEED_STATES))
        .group_by(AlertChange.alert_id)
        .subquery()
    )
    rows = list(session.scalars(
        visible_query(actor).join(last_sent, last_sent.c.alert_id == Alert.id)
        .where(Alert.state.in_(FEED_STATES))
        .order_by(last_sent.c.at.desc(), Alert.id.desc()).limit(limit)
    ))  # fmt: skip
    sent = views.sent_times(session, rows)
    audit_rows(session, actor, rows)
    return [views.summary(a, sent.get(a.id)) for a in rows]


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, name, attrs)
    if text is not None:
        child.text = text
    return child


def to_atom(alerts: list[AlertSummary], site: CapSite) -> bytes:
    # Unqualified names under an xmlns attribute: ElementTree's default_namespace option
    # refuses unqualified attributes such as rel and href.
    root = ET.Element("feed", xmlns=ATOM_NS)
    _add(root, "id", site.feed())
    _add(root, "title", "Tocsin alerts")
    newest = max((a.sent_at or a.created_at for a in alerts), default=utcnow())
    _add(root, "updated", _stamp(newest))
    author = _add(root, "author")
    _add(author, "name", SENDER_NAME)
    _add(root, "link", rel="self", href=site.feed(), type="application/atom+xml")
    for alert in alerts:
        entry = _add(root, "entry")
        _add(entry, "id", f"urn:uuid:{alert.id}")
        _add(entry, "title", alert.title)
        _add(entry, "updated", _stamp(alert.sent_at or alert.created_at))
        if alert.issued_at is not None:
            _add(entry, "published", _stamp(alert.issued_at))
        _add(entry, "link", rel="alternate", href=site.cap_xml(alert.id), type=CAP_MEDIA_TYPE)
        _add(entry, "link", rel="related", href=site.page(alert.id), type="text/html")
        _add(entry, "category", term=alert.category, label=alert.category.replace("_", " "))
        where = ", ".join(x for x in (alert.admin_area, alert.country) if x)
        summary = (f"{alert.msg_type}: {alert.severity} severity, {alert.urgency} urgency, "
                   f"{alert.certainty}" + (f"; {where}" if where else ""))  # fmt: skip
        _add(entry, "summary", summary, type="text")
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out
