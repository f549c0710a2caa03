"""The audit log browser and its CSV export: who may read it, filters, paging, bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.audit_log import CSV_COLUMNS
from tocsin.core.db import Database
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def _log(db: Database, actor: Actor, action: str, kind: str, rid: str) -> None:
    with db.session() as s:
        audit.record(s, actor, action, kind, rid)


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.ANALYST, Role.DOCUMENTER, Role.PARTNER_VIEWER]
)
def test_only_admins_read_the_audit_log(browser: Make, owner: Actor, db: Database,
                                        role: Role) -> None:
    _log(db, owner, "update", "event", "HiddenEventId1")
    client = browser(role)
    for url in ("/admin/audit", "/admin/audit.csv"):
        page = client.get(url)
        assert page.status_code == 403, url
        assert "HiddenEventId1" not in page.text


def test_filters_filter_newest_first(browser: Make, owner: Actor, db: Database) -> None:
    other = Actor("someone-else", "other@pages.example.org", Role.ANALYST)
    _log(db, owner, "update", "event", "EvOne")
    _log(db, other, "update", "event", "EvTwo")
    _log(db, other, "create", "person", "PeThree")
    client = browser(Role.ADMIN)
    everything = client.get("/admin/audit").text
    assert everything.index("PeThree") < everything.index("EvTwo") < everything.index("EvOne")

    by_actor = client.get("/admin/audit", params={"user": "OTHER@pages.example.org"}).text
    assert "EvTwo" in by_actor and "PeThree" in by_actor and "EvOne" not in by_actor
    by_action = client.get("/admin/audit", params={"action": "create",
                                                   "entity_type": "person"}).text
    assert "PeThree" in by_action and "EvTwo" not in by_action
    by_id = client.get("/admin/audit", params={"entity_id": "EvOne"}).text
    assert "EvOne" in by_id and "EvTwo" not in by_id
    assert 'value="EvOne"' in by_id  # the filter stays filled in
    past = client.get("/admin/audit", params={"since": "2001-01-01", "until": "2001-12-31"})
    assert "EvOne" not in past.text and "No entry matches" in past.text
    today = client.get("/admin/audit", params={"since": "2001-01-01", "until": "2999-01-01"})
    assert "EvOne" in today.text


def test_the_log_is_paged(browser: Make, owner: Actor, db: Database) -> None:
    with db.session() as s:
        for n in range(55):
            audit.record(s, owner, "update", "paging", f"Row{n:03d}X")
    client = browser(Role.ADMIN)
    first = client.get("/admin/audit", params={"entity_type": "paging"}).text
    assert "Row054X" in first and "Row004X" not in first and 'rel="next"' in first
    second = client.get("/admin/audit", params={"entity_type": "paging", "page": "2"}).text
    assert "Row004X" in second and "Row054X" not in second and 'rel="prev"' in second


def test_bad_filters_say_so_instead_of_failing(browser: Make) -> None:
    client = browser(Role.ADMIN)
    page = client.get("/admin/audit", params={"since": "yesterday", "page": "x"})
    assert page.status_code == 422
    assert 'id="since-error"' in page.text and 'value="yesterday"' in page.text
    backwards = client.get("/admin/audit", params={"since": "2024-02-01", "until": "2024-01-01"})
    assert backwards.status_code == 422 and 'id="until-error"' in backwards.text
    assert client.get("/admin/audit", params={"entity_id": "x" * 65}).status_code == 422
    export = client.get("/admin/audit.csv", params={"until": "31/12/2024"})
    assert export.status_code == 422 and "until" in export.text


def test_csv_has_the_header_and_only_the_filtered_rows(
    browser: Make, owner: Actor, db: Database, seed: Seeder
) -> None:
    _log(db, owner, "update", "event", "KeepMe1")
    _log(db, owner, "update", "person", "DropMe2")
    client = browser(Role.ADMIN)
    page = client.get("/admin/audit", params={"entity_type": "event", "action": "update"})
    assert 'href="/admin/audit.csv?entity_type=event&amp;action=update"' in page.text
    r = client.get("/admin/audit.csv", params={"entity_type": "event", "action": "update"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == CSV_COLUMNS
    assert [row[6] for row in rows[1:]] == ["KeepMe1"]
    assert rows[1][2] == "owner@pages.example.org"
