"""The log key and signed tree heads, checked against the documented byte layout."""

from __future__ import annotations

import hashlib
import stat
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tocsin.core.errors import ConfigurationError
from tocsin.core.settings import load_settings
from tocsin.vault import signing
from tocsin.vault.signing import LogKey, TreeHead

ROOT = hashlib.sha256(b"root").digest()


def test_head_bytes_follow_the_documented_layout() -> None:
    # Rebuilt here from the layout in the module docstring, as an outside verifier would.
    expected = b"tocsin-tree-head-v1\x00" + struct.pack(">Q", 7) + struct.pack(">Q", 1234) + ROOT
    assert signing.head_bytes(7, 1234, ROOT) == expected
    assert len(expected) == signing.HEAD_BYTES == 68
    with pytest.raises(ValueError):
        signing.head_bytes(7, 1234, ROOT[:31])
    with pytest.raises(ValueError):
        signing.head_bytes(-1, 1234, ROOT)


def test_a_signed_head_verifies_with_the_key_object_and_with_raw_bytes() -> None:
    key = LogKey.generate()
    head = signing.sign_tree_head(key, 7, ROOT, timestamp_ms=1234)
    assert head.key_id == hashlib.sha256(key.public_raw()).hexdigest()
    assert signing.verify_tree_head(key.public, head)
    assert signing.verify_tree_head(key.public_raw(), head)
    # An independent check with the plain library call over the documented bytes.
    Ed25519PublicKey.from_public_bytes(key.public_raw()).verify(
        head.signature, signing.head_bytes(7, 1234, ROOT)
    )


def test_forged_or_altered_heads_and_other_keys_fail() -> None:
    key, other = LogKey.generate(), LogKey.generate()
    head = signing.sign_tree_head(key, 7, ROOT, timestamp_ms=1234)
    forged = bytearray(head.signature)
    forged[10] ^= 0x01
    assert not signing.verify_tree_head(key.public, replace(head, signature=bytes(forged)))
    assert not signing.verify_tree_head(key.public, replace(head, signature=b"short"))
    assert not signing.verify_tree_head(key.public, replace(head, tree_size=8))
    assert not signing.verify_tree_head(key.public, replace(head, timestamp_ms=1235))
    assert not signing.verify_tree_head(key.public, replace(head, root_hash=bytes(32)))
    assert not signing.verify_tree_head(other.public, head)
    # Signed by the other key and relabelled with ours: the signature itself fails.
    theirs = signing.sign_tree_head(other, 7, ROOT, timestamp_ms=1234)
    assert not signing.verify_tree_head(key.public, replace(theirs, key_id=key.key_id))
    assert not signing.verify_tree_head(b"\x00" * 5, head)


def test_log_key_is_saved_owner_only_beside_the_key_file(tmp_path: Path) -> None:
    settings = replace(load_settings(), key_file=tmp_path / "keys" / "tocsin.keys")
    path = signing.log_key_path(settings)
    assert path.parent == settings.key_file.parent
    key = signing.load_or_create_log_key(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = signing.load_or_create_log_key(settings)
    assert again.public_raw() == key.public_raw()
    assert len(key.public_raw()) == 32
    pem = serialization.load_pem_public_key(key.public_pem())
    assert isinstance(pem, Ed25519PublicKey)
    assert signing.public_raw(pem) == key.public_raw()


def test_a_missing_or_foreign_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        LogKey.load(tmp_path / "absent")
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"not a key")
    with pytest.raises(ConfigurationError):
        LogKey.load(garbage)


def test_tree_head_message_is_its_canonical_bytes() -> None:
    head = TreeHead(3, 99, ROOT, b"\x00" * 64, "id")
    assert head.message() == signing.head_bytes(3, 99, ROOT)
