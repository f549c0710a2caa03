"""The demo's review queue: run every resolver once, so a first look finds pairs to decide."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.crosscheck.incidents import link_incidents
from tocsin.crosscheck.organisation_resolution import resolve_organisations
from tocsin.crosscheck.person_resolution import resolve_persons


def demo_matches(session: Session) -> int:
    """Propose person, organisation and incident pairs; returns how many were new."""
    reports = (resolve_persons(session), resolve_organisations(session), link_incidents(session))
    return sum(r.new for r in reports)
