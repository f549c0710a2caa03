"""Field encryption (AES-256-GCM with the column as associated data), key rings, blind indexes."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tocsin.core.crypto import (
    DecryptionError,
    KeyRing,
    name_tokens,
    normalise_name_token,
)
from tocsin.core.errors import ConfigurationError, TocsinError

NOTES = "persons.notes"
SAMPLES = ["Amina Yusuf Haddad", "أمينة يوسف حداد", "", "née Müller 🙂", "x" * 10_000]


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing.generate()


def body_of(token: str) -> bytes:
    body = token.split(".", 2)[2]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def with_body(token: str, raw: bytes) -> str:
    prefix, kid, _ = token.split(".", 2)
    return f"{prefix}.{kid}.{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"


@pytest.mark.parametrize("plain", SAMPLES)
def test_round_trip(ring: KeyRing, plain: str) -> None:
    token = ring.encrypt(plain, NOTES)
    prefix, kid, _ = token.split(".", 2)
    assert (prefix, kid) == ("t1", ring.current)
    assert ring.decrypt(token, NOTES) == plain
    assert len(body_of(token)) == 12 + len(plain.encode()) + 16  # nonce, ciphertext, tag
    if plain:
        assert plain not in token


def test_same_plaintext_encrypts_differently_each_time(ring: KeyRing) -> None:
    tokens = {ring.encrypt("Amina", NOTES) for _ in range(20)}
    assert len(tokens) == 20
    assert len({body_of(t)[:12] for t in tokens}) == 20  # fresh nonce every time


ROUND_TRIP_RING = KeyRing.generate()


@given(plain=st.text(), context=st.text(min_size=1, max_size=40))
@hypothesis_settings(max_examples=200, database=None, deadline=None)
def test_round_trip_property(plain: str, context: str) -> None:
    ring = ROUND_TRIP_RING
    assert ring.decrypt(ring.encrypt(plain, context), context) == plain


@pytest.mark.parametrize(
    "other", ["persons.birth_date", "person_names.value", "persons.notes ", ""]
)
def test_a_ciphertext_moved_to_another_column_fails(ring: KeyRing, other: str) -> None:
    token = ring.encrypt("born 1961-07-23", NOTES)
    with pytest.raises(DecryptionError, match="authentication"):
        ring.decrypt(token, other)


def test_tampering_with_any_byte_fails(ring: KeyRing) -> None:
    token = ring.encrypt("Amina Yusuf Haddad", NOTES)
    raw = body_of(token)
    for i in range(len(raw)):  # nonce, ciphertext and tag alike
        flipped = bytearray(raw)
        flipped[i] ^= 0x01
        with pytest.raises(DecryptionError):
            ring.decrypt(with_body(token, bytes(flipped)), NOTES)
    for changed in (raw[:-1], raw + b"\x00", raw[:12] + raw[13:], raw[12:] + raw[:12]):
        with pytest.raises(DecryptionError):
            ring.decrypt(with_body(token, changed), NOTES)


def test_truncated_or_garbled_ciphertext_fails_clearly(ring: KeyRing) -> None:
    token = ring.encrypt("Amina", NOTES)
    prefix, kid, body = token.split(".", 2)
    for bad in (f"{prefix}.{kid}.{body[:8]}", f"{prefix}.{kid}.", f"{prefix}.{kid}.éé"):
        with pytest.raises(DecryptionError):
            ring.decrypt(bad, NOTES)


def test_unknown_key_id_fails_clearly(ring: KeyRing) -> None:
    token = ring.encrypt("Amina", NOTES)
    _, kid, body = token.split(".", 2)
    with pytest.raises(DecryptionError, match=r"key 'kmissing' is not in the key file"):
        ring.decrypt(f"t1.kmissing.{body}", NOTES)
    stranger = KeyRing.generate()
    with pytest.raises(DecryptionError, match=rf"key '{kid}' is not in the key file"):
        stranger.decrypt(token, NOTES)
    assert issubclass(DecryptionError, TocsinError)  # the API turns it into a problem document


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("Amina", "not a Tocsin ciphertext"),
        ("t1.k1", "not a Tocsin ciphertext"),
        ("t9.k1.AAAA", "unknown ciphertext version 't9'"),
    ],
)
def test_values_that_are_not_ciphertexts_fail_clearly(
    ring: KeyRing, token: str, message: str
) -> None:
    with pytest.raises(DecryptionError, match=message):
        ring.decrypt(token, NOTES)


def test_a_key_from_the_same_ring_under_another_id_fails(ring: KeyRing) -> None:
    two = KeyRing.from_json(ring.to_json())
    old = two.current
    token = two.encrypt("Amina", NOTES)
    new = two.rotate()
    with pytest.raises(DecryptionError):
        two.decrypt(token.replace(f".{old}.", f".{new}."), NOTES)


def test_rotation_keeps_old_values_readable_until_retired(ring: KeyRing) -> None:
    two = KeyRing.from_json(ring.to_json())
    before = two.encrypt("old value", NOTES)
    old_kid, new_kid = two.current, two.rotate()
    assert new_kid != old_kid and two.current == new_kid
    after = two.encrypt("new value", NOTES)
    assert KeyRing.key_id_of(before) == old_kid and KeyRing.key_id_of(after) == new_kid
    assert two.decrypt(before, NOTES) == "old value"
    assert two.retire_all_but_current() == [old_kid]
    with pytest.raises(DecryptionError, match=old_kid):
        two.decrypt(before, NOTES)
    assert two.decrypt(after, NOTES) == "new value"


def test_key_file_round_trip_and_permissions(ring: KeyRing, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "tocsin.keys"
    ring.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = KeyRing.load(path)
    assert loaded.decrypt(ring.encrypt("Amina", NOTES), NOTES) == "Amina"
    assert loaded.blind_token("amina") == ring.blind_token("amina")
    assert loaded.pseudonym("person", "p1") == ring.pseudonym("person", "p1")
    with pytest.raises(ConfigurationError, match="not found"):
        KeyRing.load(tmp_path / "missing.keys")
    path.write_text('{"format": "something-else/9"}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="unknown format"):
        KeyRing.load(path)


def test_blind_tokens_hide_the_name_but_match_exactly(ring: KeyRing) -> None:
    token = ring.blind_token("amina")
    assert token == ring.blind_token("amina")
    assert token != ring.blind_token("amine") and token != KeyRing.generate().blind_token("amina")
    assert "amina" not in token.lower() and len(token) == 12


def test_name_tokens_ignore_case_accents_punctuation_and_arabic_marks() -> None:
    assert name_tokens("José  MARTÍNEZ-Ortega") == ["jose", "martinez", "ortega"]
    assert name_tokens("Élodie d'Arc") == ["elodie", "darc"]
    assert name_tokens("مُحَمَّد عَلِيّ") == name_tokens("محمد علي") == ["محمد", "علي"]
    assert normalise_name_token("مـحـمـد") == "محمد"  # tatweel
    assert name_tokens(" - ") == []


def test_pseudonyms_are_stable_and_not_reversible(ring: KeyRing) -> None:
    p = ring.pseudonym("person", "0190-abc")
    assert p == ring.pseudonym("person", "0190-abc") and p.startswith("P-") and len(p) == 12
    assert p != ring.pseudonym("person", "0190-abd") != ring.pseudonym("event", "0190-abc")
    assert "abc" not in p.lower() and p != KeyRing.generate().pseudonym("person", "0190-abc")
