"""PDF export and the audit of protected assessments, on SQLite and PostgreSQL.

The PDF's text is read back with pypdf: it shows the derived levels and ratings, and never a
protected record's title, a source tied to a person, or an evidence file's name."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder, cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.risk.assessments import (
    create_assessment,
    export_pdf,
    get_assessment,
    history,
    render_html,
)
from tocsin.risk.assessments.schemas import AssessmentCreate, RatingIn
from tocsin.risk.framework import ensure_framework
from tocsin.vault.blobs import BlobStore
from tocsin.vault.vault_key import VaultKey


@pytest.fixture(autouse=True)
def _framework(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    with db.session() as s:
        ensure_framework(s)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """Without white space: a name the layout wrapped over two lines is still found."""
    return "".join(text.split())


def test_pdf_shows_levels_and_never_a_protected_identity(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    seed = Seeder(db, coordinator, BlobStore(tmp_path / "blobs", VaultKey.generate()))
    open_event, red_event = seed.event("GREEN"), seed.event("RED")
    amber_source = seed.source("AMBER")
    witness = seed.source("CLEAR", person_id=seed.person("CLEAR").id)
    evidence = seed.evidence("GREEN")
    ratings = [
        RatingIn(indicator="RF7.10", rating="serious", confidence="high",
                 narrative="Residents of two quarters moved to a fenced site.",
                 groups=[{"dimension": "ethnicity", "group": "Masalit"},
                         {"dimension": "age", "group": "children under 5", "note": "no milk"}],
                 event_ids=[open_event.id, red_event.id], source_ids=[amber_source.id, witness.id],
                 evidence_ids=[evidence.id]),
        RatingIn(indicator="RF7.3", rating="present", confidence="high"),
        RatingIn(indicator="RF10.3", rating="serious", confidence="medium"),
        RatingIn(indicator="RF10.4", rating="serious", confidence="medium"),
    ]  # fmt: skip
    with db.session() as s:
        a = create_assessment(s, coordinator, AssessmentCreate(
            country="SD", admin_area="West Darfur", as_of=date(2024, 5, 1), tlp="AMBER",
            ratings=ratings))  # fmt: skip
    # RF7: 2 + 1 = 3 -> high; RF10: 1.5 + 1.5 = 3 -> high; overall high (specific factor).
    assert (a.overall_level, a.factors[6].level, a.factors[9].level) == ("high",) * 3
    with db.session() as s:
        pdf = export_pdf(s, coordinator, a.id)
        html = render_html(s, coordinator, a.id)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    flat = squeezed(text)
    assert "Overall level: high" in text and squeezed("specific factor RF10") in flat
    assert "TLP:AMBER" in text and squeezed("Sudan (SD), West Darfur") in flat
    for shown in ("Residents of two quarters moved to a fenced site.", "Masalit",
                  "children under 5", open_event.secret, red_event.id, amber_source.id,
                  evidence.id):  # fmt: skip
        assert squeezed(shown) in flat, shown
    for hidden in (red_event.secret, amber_source.secret, witness.secret, evidence.secret):
        assert hidden not in flat and hidden not in html, hidden
    # An analyst's copy leaves out what is above their clearance, and says so.
    with db.session() as s:
        theirs = squeezed(pdf_text(export_pdf(s, analyst, a.id)))
    assert red_event.id not in theirs and squeezed("1 more above your clearance") in theirs
    # Arabic names where translated.
    with db.session() as s:
        assert "التوترات بين الجماعات" in render_html(s, coordinator, a.id, language="ar")


def test_export_needs_the_export_right(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        a = create_assessment(s, analyst, AssessmentCreate(country="SD", as_of=date(2024, 1, 1),
                                                           tlp="GREEN"))  # fmt: skip
    for role in (Role.DOCUMENTER, Role.PARTNER_VIEWER):
        with db.session() as s, pytest.raises(Forbidden):
            export_pdf(s, make_actor(role), a.id)


def test_reads_of_protected_assessments_are_audited(db: Database, make_actor: MakeActor) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    ids = {}
    for tlp in ("GREEN", "AMBER+STRICT", "RED"):
        with db.session() as s:
            ids[tlp] = create_assessment(s, coordinator, AssessmentCreate(
                country="SD", as_of=date(2024, 1, 1), tlp=tlp)).id  # fmt: skip

    def reads(user_id: str) -> list[tuple[str, str, str]]:
        with db.session() as s:
            rows = s.scalars(select(AuditEntry).where(
                AuditEntry.user_id == user_id, AuditEntry.entity_type == "risk_assessment",
                AuditEntry.action.in_(["read", "export"])).order_by(AuditEntry.id))  # fmt: skip
            return [(e.action, e.entity_id, e.detail.get("via", e.detail.get("format", "")))
                    for e in rows]  # fmt: skip

    with db.session() as s:
        get_assessment(s, analyst, ids["GREEN"])
        get_assessment(s, analyst, ids["AMBER+STRICT"])
    assert reads(analyst.user_id) == [("read", ids["AMBER+STRICT"], "")]
    with db.session() as s:
        listed = history(s, coordinator, "SD")
        export_pdf(s, coordinator, ids["RED"])
    assert len(listed) == 3
    assert reads(coordinator.user_id) == [
        ("read", ids["AMBER+STRICT"], "list"), ("read", ids["RED"], "list"),
        ("read", ids["RED"], ""), ("export", ids["RED"], "pdf")]  # fmt: skip
