"""What an identified person told us never sits in the database in clear, on either backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tocsin.api.app import create_app
from tocsin.core import auth
from tocsin.core.crypto import KeyRing, install_keyring, name_tokens
from tocsin.core.db import Database
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1"
PASSWORD = "correct horse battery"
PERSON = {
    "names": [{"value": "Zainab Qaraqosh"},
              {"value": "زينب قرقوش", "script": "Arab", "language": "ar"}],
    "birth_date": "1961-07-23",
    "contact": {"phone": "+963 944 123 987", "email": "zainab.q@example.net"},
    "identities": {"religion": "yazidi"},
    "notes": "Hiding in the Sharya camp",
    "roles": ["victim"],
}  # fmt: skip
CONSENT_NOTE = "Agreed only to UN sharing"
WITHDRAWN_REASON = "Cousin was threatened"
SECRETS = [
    "Zainab", "Qaraqosh", "زينب", "قرقوش", "1961-07-23", "944 123 987", "zainab.q@example.net",
    "yazidi", "Sharya camp", CONSENT_NOTE, WITHDRAWN_REASON,
]  # fmt: skip
# The blind index must not hold the normalised tokens either.
TOKENS = [t for n in PERSON["names"] for t in name_tokens(n["value"])]  # type: ignore[index]


@pytest.fixture(autouse=True)
def session_ring(keyring: KeyRing) -> Iterator[None]:
    install_keyring(keyring)  # other tests install their own rings
    yield
    install_keyring(keyring)


@pytest.fixture
def filed(settings: Settings, db: Database) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    """A person filed, edited and given a withdrawn consent, all through the API."""
    with db.session() as s:
        auth.create_user(s, "keeper@example.org", PASSWORD, Role.ADMIN)
    with TestClient(create_app(settings, db)) as client:
        r = client.post(
            f"{V}/auth/token", data={"username": "keeper@example.org", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        created = client.post(
            f"{V}/persons", json={**PERSON, "notes": "first draft"}, headers=headers
        )
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        edited = client.patch(
            f"{V}/persons/{pid}", json={"notes": PERSON["notes"]}, headers=headers
        )
        assert edited.status_code == 200
        shown = client.get(f"{V}/persons/{pid}", headers=headers).json()
        assert [n["value"] for n in shown["names"]] == [n["value"] for n in PERSON["names"]]  # type: ignore[index]
        for key in ("birth_date", "contact", "identities", "notes"):
            assert shown[key] == PERSON[key], key
        consent = {
            "person_id": pid,
            "given_on": "2024-03-01",
            "recorded_how": "oral_recorded",
            "notes": CONSENT_NOTE,
            "share_with": ["un_mechanism"],
        }
        cid = client.post(f"{V}/consents", json=consent, headers=headers).json()["id"]
        later = client.post(
            f"{V}/consents", json={**consent, "given_on": "2024-03-02"}, headers=headers
        ).json()["id"]
        r = client.post(
            f"{V}/consents/{later}/withdraw", json={"reason": WITHDRAWN_REASON}, headers=headers
        )
        assert r.status_code == 200
        assert client.get(f"{V}/consents/{cid}", headers=headers).json()["notes"] == CONSENT_NOTE
        assert r.json()["withdrawn_reason"] == WITHDRAWN_REASON
        yield client, headers, pid


def assert_clean(raw: bytes, where: str) -> None:
    found = [s for s in [*SECRETS, *TOKENS] if s.encode("utf-8") in raw]
    assert not found, f"{where} holds {found} in clear"


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_files_hold_no_identifying_text(
    filed: tuple[TestClient, dict[str, str], str], db: Database, keyring: KeyRing
) -> None:
    _, _, pid = filed
    path = Path(db.engine.url.database or "")
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the writes still sit in the log
    assert_clean(wal.read_bytes(), "the -wal file before a checkpoint")
    with db.engine.connect() as conn:
        busy, _, moved = conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)").one()
    assert busy == 0 and moved > 0
    for f in (path, wal):
        raw = f.read_bytes()
        assert_clean(raw, f.name)
    main = path.read_bytes()
    # The check is not vacuous: the rows are there, as ciphertext under our key.
    assert pid.encode() in main and f"t1.{keyring.current}.".encode() in main


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_postgresql_rows_hold_no_identifying_text(
    filed: tuple[TestClient, dict[str, str], str], db: Database, keyring: KeyRing
) -> None:
    _, _, pid = filed
    with db.engine.connect() as conn:
        for table in load_models().tables:
            rows = conn.execute(
                text(f"SELECT coalesce(string_agg(t::text, ''), '') FROM {table} t")
            )
            assert_clean(rows.scalar_one().encode("utf-8"), f"table {table}")
        persons = conn.execute(text("SELECT string_agg(t::text, '') FROM persons t")).scalar_one()
        names = conn.execute(
            text("SELECT string_agg(t::text, '') FROM person_names t")
        ).scalar_one()
    assert pid in persons and f"t1.{keyring.current}." in persons
    assert names.count(f"t1.{keyring.current}.") == 2


def test_blind_search_tokens_are_not_the_names(
    filed: tuple[TestClient, dict[str, str], str], db: Database, keyring: KeyRing
) -> None:
    client, headers, pid = filed
    # The fixture ends on a withdrawal, which empties the tokens; consent given again rebuilds them.
    again = {"person_id": pid, "given_on": "2024-04-01", "recorded_how": "written_signed"}
    assert client.post(f"{V}/consents", json=again, headers=headers).status_code == 201
    with db.engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT value, search_tokens FROM person_names "
                "WHERE person_id = :p ORDER BY position"
            ),
            {"p": pid},
        ).all()
    for (value, tokens), name in zip(stored, PERSON["names"], strict=True):  # type: ignore[arg-type]
        assert value.startswith("t1.") and name["value"] not in value
        plain = name_tokens(name["value"])
        assert sorted(tokens.split()) == sorted(keyring.blind_token(t) for t in plain)
        assert not set(tokens.split()) & set(plain)
        assert all(t not in tokens for t in plain)
    # ...and they still find the person, whichever script the search is in.
    for query in ("qaraqosh", "ZAINAB", "زينب"):
        found = client.get(f"{V}/persons", params={"name": query}, headers=headers).json()
        assert [p["id"] for p in found["items"]] == [pid], query


def test_a_ciphertext_copied_into_another_column_does_not_decrypt(
    filed: tuple[TestClient, dict[str, str], str], db: Database
) -> None:
    client, headers, pid = filed
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE persons SET birth_date = notes WHERE id = :p"), {"p": pid})
    r = client.get(f"{V}/persons/{pid}", headers=headers)
    assert r.status_code == 500
    assert r.json()["title"] == "Cannot decrypt" and "authentication" in r.json()["detail"]
    assert_clean(r.content, "the error reply")


def test_a_ciphertext_from_another_key_ring_does_not_decrypt(
    filed: tuple[TestClient, dict[str, str], str], db: Database
) -> None:
    client, headers, pid = filed
    foreign = KeyRing.generate()
    forged = foreign.encrypt("1999-01-01", "persons.birth_date")
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE persons SET birth_date = :v WHERE id = :p"), {"v": forged, "p": pid}
        )
    r = client.get(f"{V}/persons/{pid}", headers=headers)
    assert r.status_code == 500 and foreign.current in r.json()["detail"]
    assert "1999-01-01" not in r.text
