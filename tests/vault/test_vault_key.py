"""The vault key file: owner-only, never silently replaced, refused when others can read it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tocsin.core.settings import Settings
from tocsin.vault import UnknownVaultKey, UnwrapFailed, VaultKey, VaultKeyError, vault_key_path


def test_save_and_load_round_trip_with_owner_only_mode(tmp_path: Path) -> None:
    key = VaultKey.generate()
    key.rotate()
    path = tmp_path / "keys" / "tocsin.vault-key"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = VaultKey.load(path)
    assert (loaded.keys, loaded.current) == (key.keys, key.current)
    assert len(loaded.keys) == 2
    assert not list(path.parent.glob("*.tmp"))


def test_existing_key_file_is_not_replaced_by_accident(tmp_path: Path) -> None:
    path = tmp_path / "vault-key"
    first = VaultKey.generate()
    first.save(path)
    with pytest.raises(VaultKeyError, match="refusing to replace"):
        VaultKey.generate().save(path)
    assert VaultKey.load(path).current == first.current
    first.rotate()
    first.save(path, overwrite=True)
    assert VaultKey.load(path).current == first.current


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vault-key"
    VaultKey.generate().save(path)
    os.chmod(path, 0o644)
    with pytest.raises(VaultKeyError, match="chmod 600"):
        VaultKey.load(path)


def test_missing_or_malformed_key_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VaultKeyError, match="not found"):
        VaultKey.load(tmp_path / "absent")
    path = tmp_path / "vault-key"
    bad = {
        "{": "not valid JSON",
        json.dumps({"format": "tocsin-keyring/1"}): "unknown format",
        json.dumps({"format": "tocsin-vault-key/1", "keys": {}}): "lacks",
        json.dumps({"format": "tocsin-vault-key/1", "current": "v1", "keys": {"v1": "!!"}}): (
            "base64"
        ),
        json.dumps({"format": "tocsin-vault-key/1", "current": "v1", "keys": {"v1": "AAAA"}}): (
            "bits long"
        ),
        json.dumps({"format": "tocsin-vault-key/1", "current": "v2", "keys": {}}): "current",
    }
    for text, message in bad.items():
        path.write_text(text)
        os.chmod(path, 0o600)
        with pytest.raises(VaultKeyError, match=message):
            VaultKey.load(path)


def test_wrap_binds_context_and_key_id() -> None:
    key = VaultKey.generate()
    file_key = os.urandom(32)
    wrapped = key.wrap(file_key, b"header")
    assert key.unwrap(key.current, wrapped, b"header") == file_key
    with pytest.raises(UnwrapFailed):
        key.unwrap(key.current, wrapped, b"other header")
    with pytest.raises(UnknownVaultKey, match="vnot-here"):
        key.unwrap("vnot-here", wrapped, b"header")


def test_key_bytes_never_appear_in_repr() -> None:
    key = VaultKey.generate()
    assert repr(key.keys[key.current]) not in repr(key)
    assert key.current in repr(key)


def test_vault_key_lives_beside_the_key_ring_not_with_the_evidence(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url="sqlite://",
        key_file=tmp_path / "keys" / "tocsin.keys",
        evidence_dir=tmp_path / "evidence",
    )
    path = vault_key_path(settings)
    assert path.parent == settings.key_file.parent
    assert path != settings.key_file
    assert settings.evidence_dir not in path.parents
