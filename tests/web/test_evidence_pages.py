"""The evidence pages: adding files (one, several, duplicates, refusals), a file's own page with
what the collector states beside what the file says and its chain of custody, and the witness
statement form."""

from __future__ import annotations

import html
import re
import struct
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import CustodyEntryPublic, ProofPublic, TreeHeadPublic
from tocsin.vault.store import open_blob_store
from tocsin.web.pages.evidence_facts import custody_rows, file_says

Make = Callable[..., Browser]
Files = list[tuple[str, tuple[str, bytes, str]]]


@pytest.fixture
def files(seed: Seeder, settings: Settings) -> Seeder:
    """A seeder that can add evidence, on the same store as the app's."""
    return Seeder(seed.db, seed.actor, open_blob_store(settings))


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _upload(client: Browser, url: str, data: dict[str, str], files: Files,
            **headers: str) -> httpx.Response:
    return client.post(url, data={"csrf": client.csrf, **data}, files=files,
                       headers=headers, follow_redirects=False)


def _count(db: Database, **where: Any) -> int:
    with db.session() as s:
        q = select(func.count()).select_from(Evidence)
        for key, value in where.items():
            q = q.where(getattr(Evidence, key) == value)
        return int(s.scalar(q) or 0)


def _flash_on(client: Browser, answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', page.text, re.S)
    assert found, "the page after saving shows a notice"
    return html.unescape(found.group(1))


def _text(page: httpx.Response) -> str:
    return html.unescape(page.text)


FIELDS = {"kind": "photo", "collected_by": "Field worker Nadia", "collected_at": "2024-03-05T11:30",
          "place.name": "Tessar", "place.country": "SY", "notes": "Given on a USB stick",
          "tlp": "AMBER"}  # fmt: skip


def test_upload_one_file_then_two_of_which_one_is_on_file_already(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    documenter = browser(Role.DOCUMENTER)
    url = f"/events/{event.id}/evidence/new"
    form = documenter.get(url)
    assert form.status_code == 200
    assert 'type="file"' in form.text and " multiple" in form.text
    assert 'enctype="multipart/form-data"' in form.text and "/static/evidence.js" in form.text

    first = b"first photo bytes " * 1000
    answer = _upload(documenter, url, FIELDS, [("file", ("market.jpg", first, "image/jpeg"))])
    assert answer.headers["location"] == f"/events/{event.id}"
    assert _flash_on(documenter, answer) == "1 file stored."
    assert _count(db, event_id=event.id) == 1

    two: Files = [("file", ("market-again.jpg", first, "image/jpeg")),
                  ("file", ("street.jpg", b"another photo", "image/jpeg"))]
    answer = _upload(documenter, url, FIELDS, two)
    assert _flash_on(documenter, answer) == (
        "1 file stored. 1 was already on file and was not stored again."
    )
    assert _count(db, event_id=event.id) == 2
    with db.session() as s:
        stored = {e.original_name: e for e in s.scalars(select(Evidence))}
    assert set(stored) == {"market.jpg", "street.jpg"}
    street = stored["street.jpg"]
    # The same statement for every file of one post, the time read as UTC.
    assert (street.collected_by, street.place_name, street.kind) == (
        "Field worker Nadia", "Tessar", "photo")
    assert street.collected_at is not None and street.collected_at.isoformat().startswith(
        "2024-03-05T11:30:00")
    assert street.collected_at.utcoffset() is not None
    assert not street.collected_at.utcoffset()
    event_page = documenter.get(f"/events/{event.id}").text
    assert f'href="/evidence/{street.id}"' in event_page
    assert f"/events/{event.id}/evidence/new" in event_page


def test_a_refused_form_keeps_every_value_and_stores_nothing(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    documenter = browser(Role.DOCUMENTER)
    url = f"/events/{event.id}/evidence/new"
    typed = {**FIELDS, "kind": "", "place.lat": "123", "capture_device": "Phone X"}
    answer = _upload(documenter, url, typed, [("file", ("a.jpg", b"abc", "image/jpeg")),
                                              ("file", ("b.jpg", b"def", "image/jpeg"))])
    assert answer.status_code == 422
    page = _text(answer)
    for value in ("Field worker Nadia", "2024-03-05T11:30", "Tessar", "Given on a USB stick",
                  "123", "Phone X"):
        assert f'value="{value}"' in page or f">{value}</textarea>" in page, value
    assert re.search(r'id="place\.lat-error">[^<]*90', page), "the latitude's message is by it"
    assert 'id="kind-error"' in page
    assert re.search(r'id="file-error">Choose the files again', page)
    assert _count(db) == 0

    # No file at all: said next to the file field; an unknown kind: the service's message.
    answer = _upload(documenter, url, {**FIELDS, "kind": "hologram"}, [])
    assert answer.status_code == 422
    assert re.search(r'id="file-error">Choose at least one file', answer.text)
    answer = _upload(documenter, url, {**FIELDS, "kind": "hologram"},
                     [("file", ("a.jpg", b"abc", "image/jpeg"))])
    assert answer.status_code == 422 and 'id="kind-error"' in answer.text
    assert _count(db) == 0


def test_a_script_upload_is_told_where_to_go_and_the_notice_waits_for_it(
    browser: Make, seed: Seeder, db: Database
) -> None:
    person = seed.person("AMBER")
    documenter = browser(Role.DOCUMENTER)
    url = f"/persons/{person.id}/evidence/new"
    assert person.secret in documenter.get(url).text
    scan: Files = [("file", ("scan.pdf", b"%PDF-1.4 x", "application/pdf"))]
    answer = _upload(documenter, url, FIELDS, scan, **{"X-Requested-With": "XMLHttpRequest"})
    assert answer.status_code == 200
    assert answer.json() == {"location": f"/persons/{person.id}", "message": "1 file stored."}
    assert _count(db, person_id=person.id) == 1
    # The notice is shown by the page the script goes to, not spent on the way.
    assert "1 file stored." in documenter.get(answer.json()["location"]).text


def test_a_notice_in_any_script_survives_the_cookie(browser: Make) -> None:
    reader = browser(Role.ANALYST)
    reader.cookies.set("tocsin_flash", quote("تم حفظ ملفين", safe=""))
    assert "تم حفظ ملفين" in reader.get("/").text


def test_a_reader_may_not_open_or_post_the_upload_form(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("CLEAR")
    partner = browser(Role.PARTNER_VIEWER)
    for url in (f"/events/{event.id}/evidence/new", f"/events/{event.id}/statements/new"):
        assert partner.get(url).status_code == 403
    answer = _upload(partner, f"/events/{event.id}/evidence/new", FIELDS,
                     [("file", ("a.jpg", b"abc", "image/jpeg"))])
    assert answer.status_code == 403
    assert _count(db) == 0
    assert "/evidence/new" not in partner.get(f"/events/{event.id}").text


def test_a_partner_gets_404_for_an_amber_file_and_sees_a_green_one(
    browser: Make, files: Seeder
) -> None:
    event = files.event("GREEN")
    amber = files.evidence("AMBER", event_id=event.id)
    green = files.evidence("GREEN", event_id=event.id, collected_by="Nadia in the field")
    partner = browser(Role.PARTNER_VIEWER)
    hidden = partner.get(f"/evidence/{amber.id}")
    assert hidden.status_code == 404 and amber.secret not in hidden.text
    shown = partner.get(f"/evidence/{green.id}")
    assert shown.status_code == 200 and green.secret in shown.text
    # Who collected it is the team's to know, not a partner's.
    assert "Nadia in the field" not in shown.text and "withheld" in shown.text
    assert partner.get("/evidence/not-an-id").status_code == 404


def test_the_evidence_page_sets_stated_beside_extracted_and_shows_custody(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    documenter = browser(Role.DOCUMENTER)
    answer = _upload(documenter, f"/events/{event.id}/evidence/new", FIELDS,
                     [("file", ("roof.png", _png(3, 2), "image/png"))])
    assert answer.status_code == 303
    with db.session() as s:
        record = s.scalars(select(Evidence)).one()
    url = f"/evidence/{record.id}"
    page = _text(documenter.get(url))
    assert "What the collector states" in page and "What the file itself says" in page
    assert "Field worker Nadia" in page and "Given on a USB stick" in page
    assert "image/png" in page and "3 \u00d7 2" in page
    assert record.sha256 in page and record.sha512 in page
    assert f"/api/v1/evidence/{record.id}/content" in page
    assert re.findall(r'data-kind="(\w+)"', page) == ["collected", "received"]
    assert page.count("Included in the signed head") == 2

    download = documenter.get(f"/api/v1/evidence/{record.id}/content")
    assert download.content == _png(3, 2)
    page = _text(documenter.get(url))
    assert re.findall(r'data-kind="(\w+)"', page) == ["collected", "received", "accessed"]
    assert page.count("Included in the signed head") == 3


def test_what_the_file_says_is_readable_whatever_the_extractor_found(
    browser: Make, files: Seeder, db: Database
) -> None:
    made = files.evidence("AMBER")
    with db.session() as s:
        record = s.get(Evidence, made.id)
        assert record is not None
        record.extracted = {
            "detected_type": "image/jpeg", "width": 4000, "height": 3000,
            "taken_at": "2024-03-05T14:31:07", "taken_at_offset": "+03:00",
            "gps": {"lat": 35.1, "lon": 36.7, "alt_m": 210.5},
            "device": {"make": "Acme", "model": "Cam 9", "serial": "SN-42-XYZ"},
            "metadata_present": ["exif", "gps", "brand_new_kind"],
            "lens_flare_index": 7,
        }  # fmt: skip
    page = _text(browser(Role.ANALYST).get(f"/evidence/{made.id}"))
    assert "This file carries GPS coordinates" in page
    assert "camera (EXIF) metadata" in page and "brand_new_kind" in page
    assert "35.1, 36.7" in page and "210.5" in page
    assert "Acme Cam 9" in page and "SN-42-XYZ" in page
    assert "2024-03-05T14:31:07 (+03:00)" in page and "4000 \u00d7 3000" in page
    assert "Lens flare index" in page  # a key nobody labelled yet is still shown


def test_file_says_and_custody_rows_without_a_page() -> None:
    says = file_says({"pdf": {"author": "100% sure", "pages": 3}, "metadata_present": "gps",
                      "flag": True})  # fmt: skip
    lines = {f.label: f for f in says.facts}
    assert lines["Pdf author"].value == "100% sure" and not lines["Pdf author"].label_known
    assert lines["Flag"].value_word
    assert says.warnings and "GPS" in says.warnings[0]

    leaf = "11" * 32
    head = TreeHeadPublic(tree_size=1, timestamp_ms=0, root_hash=leaf, signature="", key_id="k")
    entry = CustodyEntryPublic(index=0, kind="collected", who="a@b", at="2024-01-01T00:00:00Z",
                               details={"evidence_id": "x", "size": 3}, entry="{}",
                               proof=ProofPublic(tree_size=1, leaf_hash=leaf, path=[]))
    [row] = custody_rows([entry], head)
    assert row.proof == "proved" and [d.label for d in row.details] == ["Size (bytes)"]
    wrong = head.model_copy(update={"root_hash": "22" * 32})
    assert custody_rows([entry], wrong)[0].proof == "failed"
    assert custody_rows([entry.model_copy(update={"proof": None})], head)[0].proof == "pending"


STATEMENT = {"taken_at": "2024-03-06T09:15", "interviewer": "Omar", "language": "ar",
             "interpreter": "", "consent_notes": "Agreed to use by the UN mechanism only",
             "text": "I saw the trucks arrive at dawn.\nThen the shooting began.",
             "agreement": "read_back", "place.name": "Tessar", "tlp": "RED"}  # fmt: skip


def test_take_a_witness_statement_for_an_event(browser: Make, seed: Seeder, db: Database) -> None:
    event = seed.event("AMBER")
    witness = seed.person("AMBER")
    seed.act("AMBER", event_id=event.id, victim_person_id=witness.id)
    documenter = browser(Role.DOCUMENTER)
    url = f"/events/{event.id}/statements/new"
    form = documenter.get(url)
    assert form.status_code == 200 and witness.secret in form.text  # offered as a quick choice
    answer = documenter.submit(url, {**STATEMENT, "witness_choice": witness.id,
                                     "informed_consent": "yes"})
    assert answer.status_code == 303, answer.text
    evidence_id = answer.headers["location"].removeprefix("/evidence/")
    with db.session() as s:
        record = s.get(Evidence, evidence_id)
        assert record is not None
        assert (record.kind, record.event_id, record.person_id) == (
            "witness_statement", event.id, witness.id)
    page = _text(documenter.get(answer.headers["location"]))
    assert "Witness statement recorded." in page
    assert "I saw the trucks arrive at dawn." in page and "Agreed to use by the UN" in page
    assert "Read back to the witness" in page and witness.secret in page
    # Reading the statement on its page is an access, logged like a download.
    assert re.findall(r'data-kind="(\w+)"', page) == ["collected", "received", "accessed"]


def test_a_statement_without_consent_is_refused_next_to_the_box(
    browser: Make, seed: Seeder, db: Database
) -> None:
    witness = seed.person("AMBER")
    documenter = browser(Role.DOCUMENTER)
    url = f"/persons/{witness.id}/statements/new"
    form = documenter.get(url)
    assert form.status_code == 200 and f'value="{witness.id}"' in form.text  # pre-filled
    answer = documenter.submit(url, {**STATEMENT, "witness_id": witness.id})
    assert answer.status_code == 422
    page = _text(answer)
    assert re.search(r'id="informed_consent-error">[^<]*informed consent', page)
    assert "I saw the trucks arrive at dawn." in page and 'value="Omar"' in page
    assert _count(db) == 0
    # With consent, from the person's page: no event, the person is the witness.
    answer = documenter.submit(url, {**STATEMENT, "witness_id": witness.id,
                                     "informed_consent": "yes"})
    assert answer.status_code == 303
    assert _count(db, person_id=witness.id) == 1


def test_a_statement_needs_a_witness_the_writer_may_see(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    hidden = seed.person("RED")
    documenter = browser(Role.DOCUMENTER)
    answer = documenter.submit(f"/events/{event.id}/statements/new",
                               {**STATEMENT, "witness_id": hidden.id, "informed_consent": "yes"})
    assert answer.status_code == 422
    assert 'id="witness_id-error"' in answer.text and hidden.secret not in answer.text
    assert _count(db) == 0
