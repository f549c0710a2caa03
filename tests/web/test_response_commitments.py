"""The response pages: the dashboard's counts and its link to plans, a commitment started from a
library paragraph, a refused form that keeps what was typed, a judgement through the page, the
report downloads, and what a partner or a documenter may not do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from page_client import Browser
from seeding import Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.library import parse_text
from tocsin.library.store import get_node, import_document
from tocsin.library.store.models import LibraryDocument
from tocsin.response.commitments import CommitmentCreate, JudgementCreate, create_commitment
from tocsin.response.commitments import record_judgement as judge
from tocsin.response.commitments.models import Commitment, CommitmentJudgement

Make = Callable[..., Browser]
PLAN = "Pledges\n\n1. We will free every child held by armed groups.\n2. We will try recruiters.\n"


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def _commit(seed: Seeder, **kw: object) -> str:
    data = {"actor_name": "Republic of Pageland", "action": "Free the children.",
            "document_title": "Pageland pledge", "made_on": date(2020, 1, 1), **kw}  # fmt: skip
    with seed.db.session() as s:
        return create_commitment(s, seed.actor, CommitmentCreate(**data)).id  # type: ignore[arg-type]


def _judge(seed: Seeder, cid: str, status: str) -> None:
    with seed.db.session() as s:
        judge(s, seed.actor, cid, JudgementCreate(
            status=status, as_of=date(2024, 1, 1), source="UPR national report",
            source_kind="self_report"))  # fmt: skip


def test_dashboard_counts_and_links(browser: Make, seed: Seeder) -> None:
    past = date.today() - timedelta(days=10)
    done = _commit(seed, due_on=past)
    late = _commit(seed, due_on=past, action="Close the camps.")
    _commit(seed, actor_name="Regional Body", actor_kind="regional_organisation")
    _judge(seed, done, "implemented")
    _judge(seed, late, "in_progress")
    page = browser(Role.ANALYST).get("/response")
    assert page.status_code == 200
    text = unescape(page.text)
    assert 'href="/response/plans"' in text and 'href="/response/report.pdf"' in text
    row = text.split('href="/response?actor=Republic+of+Pageland"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0].strip() for c in row.split('<td class="num">')[1:]]
    # total, implemented, in progress, not started, not implemented, none, overdue, share
    assert cells == ["2", "1", "1", "0", "0", "0", "1", "50%"]
    filtered = browser(Role.PARTNER_VIEWER).get("/response?status=overdue")
    assert "Close the camps." in filtered.text and "Free the children." not in filtered.text


def test_a_paragraph_starts_a_commitment(browser: Make, seed: Seeder, db: Database) -> None:
    with db.session() as s:
        import_document(s, seed.actor, parse_text(PLAN, "pledges.txt"), embed=False)
        node = get_node(s, seed.actor, "pledges/-/-/2")
    me = browser(Role.ANALYST)
    form = me.get(f"/response/commitments/new?node={node.id}")
    assert form.status_code == 200
    assert 'value="pledges/-/-/2"' in form.text and "We will try recruiters." in form.text
    made = me.submit("/response/commitments/new", {
        "actor_name": "Republic of Pageland", "actor_kind": "state", "node_id": node.id,
        "action": "", "made_on": "2021-05-01", "due_on": "", "indicators": "Trials held\n",
        "tlp": "GREEN", "country": "", "document_title": ""})  # fmt: skip
    assert made.status_code == 303
    page = me.get(made.headers["location"])
    assert "We will try recruiters." in page.text and "pledges/-/-/2" in page.text
    assert "Trials held" in page.text


def test_a_refused_form_keeps_what_was_typed(browser: Make, db: Database) -> None:
    me = browser(Role.ANALYST)
    refused = me.submit("/response/commitments/new", {
        "actor_name": "Republic of Typedland", "actor_kind": "state", "node_id": "",
        "action": "Ratify the protocol.", "made_on": "2024-01-01", "due_on": "2023-01-01",
        "indicators": "Instrument deposited", "tlp": "GREEN", "country": "",
        "document_title": ""})  # fmt: skip
    assert refused.status_code == 422
    text = unescape(refused.text)
    assert 'value="Republic of Typedland"' in text and "Ratify the protocol." in text
    assert "Instrument deposited" in text and 'id="due_on-error"' in text
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0


def test_judging_through_the_page(browser: Make, seed: Seeder, db: Database) -> None:
    event = seed.event(tlp="GREEN")
    red = seed.event(tlp="RED")
    cid = _commit(seed, indicators=["Law passed", "Budget voted"])
    me = browser(Role.ANALYST)
    form = {"status": "in_progress", "as_of": "2024-03-01", "source": "NGO shadow report",
            "source_kind": "independent", "event_ids": red.id, "evidence_ids": "", "urls": "",
            "note": "", "indicator_1": "1"}  # fmt: skip
    refused = me.submit(f"/response/commitments/{cid}/statuses", form)
    assert refused.status_code == 422 and red.secret not in refused.text
    assert 'value="NGO shadow report"' in unescape(refused.text)
    saved = me.submit(f"/response/commitments/{cid}/statuses", {**form, "event_ids": event.id})
    assert saved.status_code == 303
    page = me.get(f"/response/commitments/{cid}")
    assert event.secret in page.text and "NGO shadow report" in page.text
    with db.session() as s:
        (stored,) = s.scalars(select(CommitmentJudgement)).all()
        assert stored.indicators == ["Budget voted"] and stored.event_ids == [event.id]


def test_who_may_see_and_write(browser: Make, seed: Seeder) -> None:
    amber = _commit(seed, tlp="AMBER", action="A pledge for cleared eyes.")
    partner, documenter = browser(Role.PARTNER_VIEWER), browser(Role.DOCUMENTER)
    assert partner.get(f"/response/commitments/{amber}").status_code == 404
    assert "cleared eyes" not in partner.get("/response/commitments").text
    assert partner.get("/response/report.csv").status_code == 403  # exporting needs EXPORT
    assert documenter.get("/response/commitments/new").status_code == 403
    refused = documenter.submit(f"/response/commitments/{amber}/statuses", {
        "status": "implemented", "as_of": "2024-01-01", "source": "x",
        "source_kind": "other"})  # fmt: skip
    assert refused.status_code == 403
    analyst = browser(Role.ANALYST)
    assert "cleared eyes" in analyst.get("/response/report.csv").text
    pdf = analyst.get("/response/report.pdf?actor=Republic+of+Pageland")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/response?country=ABCD", "country"),
        ("/response?status=bogus", "status"),
        ("/response/commitments?status=" + "x" * 25, "status"),
        ("/response/commitments?actor_kind=" + "x" * 60, "actor_kind"),
        ("/response/commitments?q=" + "q" * 300, "q"),
    ],
)
def test_a_bad_filter_is_named_beside_its_field(browser: Make, url: str, field: str) -> None:
    page = browser(Role.ANALYST).get(url)
    assert page.status_code == 422 and f'id="{field}-error"' in page.text


@pytest.mark.parametrize("url", ["/response/report.csv?country=ABCD",
                                 "/response/report.pdf?status=" + "x" * 25])  # fmt: skip
def test_a_report_with_a_bad_filter_is_refused(browser: Make, url: str) -> None:
    assert browser(Role.ANALYST).get(url).status_code == 422


def test_the_form_shares_as_the_paragraph(browser: Make, seed: Seeder, db: Database) -> None:
    with db.session() as s:
        import_document(s, seed.actor, parse_text(PLAN, "pledges.txt"), tlp="AMBER", embed=False)
        node = get_node(s, seed.actor, "pledges/-/-/1")
    me = browser(Role.ANALYST)
    form = me.get(f"/response/commitments/new?node={node.id}")
    assert '<option value="AMBER" selected>' in form.text
    refused = me.submit("/response/commitments/new", {
        "actor_name": "Republic of Pageland", "actor_kind": "state", "node_id": node.id,
        "action": "", "made_on": "2021-05-01", "due_on": "", "indicators": "",
        "tlp": "GREEN", "country": "", "document_title": ""})  # fmt: skip
    assert refused.status_code == 422 and 'id="tlp-error"' in refused.text
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0


def test_a_paragraph_above_the_reader_stays_hidden_and_kept(
    browser: Make, seed: Seeder, db: Database
) -> None:
    with db.session() as s:
        import_document(s, seed.actor, parse_text(PLAN, "pledges.txt"), embed=False)
        node = get_node(s, seed.actor, "pledges/-/-/1")
    cid = _commit(seed, node_id=node.id, action="", tlp="GREEN")
    with db.session() as s:  # reclassified after the commitment was made
        s.execute(update(LibraryDocument).values(tlp=int(TLP.RED)))
    me = browser(Role.ANALYST)
    for url in (f"/response/commitments/{cid}", "/response/commitments", "/response"):
        assert "We will free every child" not in me.get(url).text
    assert "Withheld" in me.get(f"/response/commitments/{cid}").text
    # Saving the edit form, which showed neither the paragraph nor its text, keeps both.
    saved = me.submit(f"/response/commitments/{cid}/edit", {
        "actor_name": "Republic of Pageland", "actor_kind": "state", "node_id": "",
        "action": "", "made_on": "2020-01-01", "due_on": "2030-01-01", "indicators": "",
        "tlp": "GREEN", "country": "", "document_title": ""})  # fmt: skip
    assert saved.status_code == 303
    with db.session() as s:
        row = s.get(Commitment, cid)
        assert row is not None and row.node_id == node.id and row.due_on == date(2030, 1, 1)
        assert row.action.startswith("We will free every child")
