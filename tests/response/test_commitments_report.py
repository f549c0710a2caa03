"""The implementation report (CSV and PDF) and the demo commitments."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.library.seeds_kit import PARIS_COMMITMENTS, SEEDS, needs_seeds
from tests.response.commitments_kit import commit, library_plan
from tests.seeding import Seeder, cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.library import parse_file
from tocsin.library.store import import_document
from tocsin.response.commitments import (
    CommitmentFilters,
    JudgementCreate,
    dashboard,
    export_csv,
    export_pdf,
    record_judgement,
)
from tocsin.response.commitments.demo import STATE, load_demo_commitments
from tocsin.response.commitments.report import CSV_COLUMNS


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def test_csv_has_one_row_per_commitment_with_its_judgements(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    event = Seeder(db, analyst).event(tlp="GREEN")
    nodes = library_plan(db, analyst)
    c = commit(db, analyst, node_id=nodes["1"], action="", made_on=date(2020, 1, 1),
               due_on=date(2021, 1, 1), indicators=["Children released"])  # fmt: skip
    commit(db, analyst, actor_name='=HYPERLINK("http://evil")', document_title="Other")
    with db.session() as s:
        for status, as_of, source in (
            ("in_progress", date(2021, 3, 1), "UPR national report"),
            ("not_implemented", date(2024, 2, 1), "NGO shadow report"),
        ):
            record_judgement(s, analyst, c.id, JudgementCreate(
                status=status, as_of=as_of, source=source, source_kind="independent",
                event_ids=[event.id], urls=["https://example.org/report"],
                indicators=["Children released"]))  # fmt: skip
    with db.session() as s:
        text = export_csv(s, analyst, CommitmentFilters())
        period = export_csv(s, analyst, CommitmentFilters(actor="Republic of Testland"),
                            since=date(2022, 1, 1), until=date(2023, 1, 1))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 2
    row = next(r for r in rows if r["id"] == c.id)
    assert row["document"] == "Plan of protection" and row["reference"].endswith("/1")
    assert row["action"] == "States should release every child held by armed groups."
    assert (row["due_on"], row["status"], row["status_as_of"], row["overdue"]) == (
        "2021-01-01", "not_implemented", "2024-02-01", "yes")  # fmt: skip
    assert row["judgements"] == "2" and row["latest_source"] == "NGO shadow report"
    assert "2021-03-01 in_progress (independent: UPR national report)" in row["history"]
    assert event.secret in row["history"] and "https://example.org/report" in row["history"]
    assert next(r for r in rows if r["id"] != c.id)["actor"].startswith("'=")  # defused
    # The period's end decides the status; only the period's judgements are listed.
    (only,) = csv.DictReader(io.StringIO(period))
    assert (only["status"], only["judgements"]) == ("in_progress", "0")


def test_pdf_holds_the_commitments_and_the_export_is_audited(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, partner = make_actor(Role.ANALYST), make_actor(Role.PARTNER_VIEWER)
    c = commit(db, analyst, action="Open a register of demobilised children.",
               made_on=date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        record_judgement(s, analyst, c.id, JudgementCreate(
            status="implemented", as_of=date(2022, 5, 5), source="Ombudsman annual report",
            source_kind="independent"))  # fmt: skip
        pdf = export_pdf(s, analyst, CommitmentFilters(), title="Testland UPR submission")
    assert pdf.startswith(b"%PDF")
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("Testland UPR submission", "Open a register of demobilised children.",
                     "Ombudsman annual report", "Summary of statuses", "TLP:GREEN"):  # fmt: skip
        assert expected in words
    with db.session() as s:
        exported = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "export")).all()
        assert exported and exported[0]["format"] == "pdf" and exported[0]["commitments"] == 1
    secret = commit(db, make_actor(Role.COORDINATOR), tlp="RED", action="Red-only pledge.")
    with db.session() as s:
        seen = export_csv(s, analyst, CommitmentFilters())
    assert c.id in seen and secret.id not in seen and "Red-only" not in seen
    with db.session() as s, pytest.raises(Forbidden):
        export_csv(s, partner, CommitmentFilters())


@needs_seeds
def test_demo_commitments_follow_the_paris_commitments(db: Database, make_actor: MakeActor) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    with db.session() as s:
        assert load_demo_commitments(s, coordinator) == 0  # the document is not there yet
        import_document(s, coordinator, parse_file(SEEDS / PARIS_COMMITMENTS), embed=False)
    with db.session() as s:
        assert load_demo_commitments(s, coordinator) == 20
    with db.session() as s:
        assert load_demo_commitments(s, coordinator) == 0  # once
        board = dashboard(s, coordinator, CommitmentFilters(actor=STATE))
    (state,) = board.by_actor
    assert state.total == 20 and board.by_document[0].key == "paris-commitments-2007"
    assert state.overdue >= 3 and state.no_judgement == 2
    assert all(state.counts[k] >= 2 for k in ("implemented", "in_progress", "not_implemented"))
    assert {c.reference.rsplit("/", 1)[1] for c in board.commitments if c.reference} == {
        str(n) for n in range(1, 21)}  # fmt: skip
