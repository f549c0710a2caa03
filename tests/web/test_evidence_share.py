"""Sharing evidence from the pages: a working copy without identifying metadata, an event's
evidence exported for one recipient as a bundle that verifies, and a person's evidence listed."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from page_client import Browser
from seeding import Rec, Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.vault.models import Evidence
from tocsin.vault.store import open_blob_store
from tocsin.vault.verify_bundle import verify

Make = Callable[..., Browser]


@pytest.fixture
def files(seed: Seeder, settings: Settings) -> Seeder:
    """A seeder that can add evidence, on the same store as the app's."""
    return Seeder(seed.db, seed.actor, open_blob_store(settings))


def _flash_on(client: Browser, answer: httpx.Response) -> tuple[str, str]:
    """(where the answer sends the reader, the notice shown there)."""
    assert answer.status_code == 303, answer.text
    where = answer.headers["location"]
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', client.get(where).text, re.S)
    assert found, "the page after the post shows a notice"
    return where, html.unescape(found.group(1))


def _copies(db: Database, of: str) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).where(Evidence.derived_from == of)) or 0)


def _sha(db: Database, evidence_id: str) -> str:
    with db.session() as s:
        record = s.get(Evidence, evidence_id)
        assert record is not None
        return record.sha256


def test_make_a_shareable_copy_then_ask_again(browser: Make, files: Seeder, db: Database) -> None:
    photo = files.photo("AMBER")
    documenter = browser(Role.DOCUMENTER)
    url = f"/evidence/{photo.id}/working-copy"
    page = documenter.get(f"/evidence/{photo.id}").text
    assert "Make a shareable copy" in page and f'action="{url}"' in page

    where, notice = _flash_on(documenter, documenter.submit(url, {}))
    assert notice == "Shareable copy made." and where != f"/evidence/{photo.id}"
    copy_page = html.unescape(documenter.get(where).text)
    assert "Working copy of" in copy_page and f'href="/evidence/{photo.id}"' in copy_page
    assert "Make a shareable copy" not in copy_page  # a copy is not copied again
    assert f'href="{where}"' in documenter.get(f"/evidence/{photo.id}").text

    again, notice = _flash_on(documenter, documenter.submit(url, {}))
    assert (again, notice) == (where, "A shareable copy already existed.")
    assert _copies(db, photo.id) == 1


def test_a_file_that_cannot_be_stripped_has_no_button_and_a_forced_post_is_told_why(
    browser: Make, files: Seeder, db: Database
) -> None:
    text = files.evidence("AMBER")  # a text/plain document
    documenter = browser(Role.DOCUMENTER)
    assert "Make a shareable copy" not in documenter.get(f"/evidence/{text.id}").text
    answer = documenter.submit(f"/evidence/{text.id}/working-copy", {})
    where, notice = _flash_on(documenter, answer)
    assert where == f"/evidence/{text.id}"
    assert notice.startswith("No shareable copy was made:") and "text/plain" in notice
    assert _copies(db, text.id) == 0


def test_a_reader_is_refused_a_copy_and_a_file_out_of_reach_is_not_found(
    browser: Make, files: Seeder, db: Database
) -> None:
    green, red = files.photo("GREEN"), files.photo("RED")
    partner = browser(Role.PARTNER_VIEWER)
    assert "Make a shareable copy" not in partner.get(f"/evidence/{green.id}").text
    assert partner.submit(f"/evidence/{green.id}/working-copy", {}).status_code == 403
    refused = browser(Role.DOCUMENTER).submit(f"/evidence/{red.id}/working-copy", {})
    assert refused.status_code == 404 and red.secret not in refused.text
    assert _copies(db, green.id) == _copies(db, red.id) == 0


class Case:
    """An AMBER event with a scene file (no person) and a victim's file, the victim having
    consented to the ICC only."""

    def __init__(self, files: Seeder) -> None:
        self.event = files.event("AMBER")
        self.victim = files.person("AMBER")
        files.consent("AMBER", person_id=self.victim.id, share_with=["icc"])
        self.scene = files.evidence("AMBER", event_id=self.event.id)
        self.victims_file = files.evidence("AMBER", event_id=self.event.id,
                                           person_id=self.victim.id)  # fmt: skip
        self.url = f"/events/{self.event.id}/evidence/export"


def _preview_row(page: str, rec: Rec) -> str:
    row = re.search(rf'<tr data-goes="\w+">\s*<th scope="row"><a href="/evidence/{rec.id}".*?</tr>',
                    page, re.S)  # fmt: skip
    assert row, f"{rec.id} is in the preview"
    return html.unescape(row.group(0))


def test_the_export_page_is_for_exporters_and_previews_what_consent_withholds(
    browser: Make, files: Seeder
) -> None:
    case = Case(files)
    documenter = browser(Role.DOCUMENTER)
    assert documenter.get(case.url).status_code == 403
    assert documenter.submit(case.url, {"recipient": "icc"}).status_code == 403
    assert case.url not in documenter.get(f"/events/{case.event.id}").text

    analyst = browser(Role.ANALYST)
    assert case.url in analyst.get(f"/events/{case.event.id}").text
    page = analyst.get(case.url, params={"recipient": "un_mechanism"}).text
    assert 'data-goes="yes"' in _preview_row(page, case.scene)
    withheld = _preview_row(page, case.victims_file)
    assert 'data-goes="no"' in withheld
    assert "did not consent to sharing with this recipient" in withheld
    assert 'name="identify"' not in page  # an analyst may not identify persons
    assert "verify_bundle.py BUNDLE.zip --expect-key" in page
    assert re.search(r"--expect-key [0-9a-f]{64}", page)

    red = files.event("RED")
    hidden = analyst.get(f"/events/{red.id}/evidence/export", params={"recipient": "icc"})
    assert hidden.status_code == 404 and red.secret not in hidden.text
    assert browser(Role.PARTNER_VIEWER).get(case.url).status_code == 403

    coordinator = browser(Role.COORDINATOR)
    assert 'name="identify"' in coordinator.get(case.url, params={"recipient": "icc"}).text


def test_an_export_is_a_bundle_that_verifies_and_lacks_the_withheld_file(
    browser: Make, files: Seeder, db: Database, settings: Settings, tmp_path: Path
) -> None:
    case = Case(files)
    answer = browser(Role.ANALYST).submit(case.url, {"recipient": "un_mechanism"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert f"evidence-{case.event.id[:8]}-un_mechanism.zip" in answer.headers[
        "content-disposition"]  # fmt: skip
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(answer.content)
    report = verify(str(bundle), None)
    assert report.problems == 0, report.lines
    assert report.verdict == "VERDICT: INTACT"
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
    assert f"files/{_sha(db, case.scene.id)}" in names
    assert f"files/{_sha(db, case.victims_file.id)}" not in names
    assert not list((settings.data_dir / "exports").glob("*.zip")), "not kept after download"


def test_a_refused_export_is_said_by_the_recipient_field_and_writes_nothing(
    browser: Make, files: Seeder, settings: Settings
) -> None:
    case = Case(files)
    analyst = browser(Role.ANALYST)
    answer = analyst.submit(case.url, {"recipient": "nobody"})
    assert answer.status_code == 422
    message = re.search(r'id="recipient-error">([^<]*)<', answer.text)
    assert message and "unknown" in html.unescape(message.group(1))
    # Nothing may go: the victim's file lacks consent and the scene file is the only other.
    only_victim = Case(files)
    with files.db.session() as s:
        scene = s.get(Evidence, only_victim.scene.id)
        assert scene is not None
        scene.person_id = only_victim.victim.id
    answer = analyst.submit(only_victim.url, {"recipient": "partner_ngo"})
    assert answer.status_code == 422
    message = re.search(r'id="recipient-error">([^<]*)<', answer.text)
    assert message and "no evidence of this event may go" in html.unescape(message.group(1))
    assert analyst.get(case.url, params={"recipient": "50%"}).status_code == 422
    assert not list((settings.data_dir / "exports").glob("*.zip"))


def test_the_person_page_lists_the_persons_evidence(browser: Make, files: Seeder) -> None:
    person = files.person("AMBER")
    mine = files.evidence("AMBER", person_id=person.id)
    other = files.evidence("AMBER")
    page = browser(Role.DOCUMENTER).get(f"/persons/{person.id}").text
    assert f'href="/evidence/{mine.id}"' in page and mine.secret in page
    assert f'href="/evidence/{other.id}"' not in page
    assert "No evidence filed for this person" in browser(Role.DOCUMENTER).get(
        f"/persons/{files.person('AMBER').id}").text  # fmt: skip
