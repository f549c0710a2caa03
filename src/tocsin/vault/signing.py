"""The custody log's Ed25519 key and its signed tree heads.

The log key lives in its own file beside the field-encryption key file (``tocsin.keys``), named
``custody-log.ed25519``: PEM, PKCS#8, unencrypted, owner-only (0600). It is a separate key so
that publishing or escrowing the verification side never touches the data keys.

Signed tree head: bytes that are signed
---------------------------------------
An outside verifier rebuilds exactly these 68 bytes and checks the Ed25519 signature (RFC 8032,
64 bytes) over them with the log's 32-byte public key::

    offset  size  field
    0       20    ASCII "tocsin-tree-head-v1" followed by one 0x00 byte (domain separation:
                  a signature made for anything else can never verify as a tree head)
    20      8     tree_size, unsigned 64-bit big-endian (number of leaves)
    28      8     timestamp, unsigned 64-bit big-endian, milliseconds since 1970-01-01T00:00Z
    36      32    root_hash, the RFC 6962 Merkle tree hash of the first tree_size entries

The key id is the lowercase hex SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tocsin.core.backup import COMPANION_KEYS
from tocsin.core.clock import utcnow
from tocsin.core.errors import ConfigurationError
from tocsin.core.rawstore import write_private
from tocsin.core.settings import Settings
from tocsin.vault.merkle import HASH_SIZE

LOG_KEY_NAME = COMPANION_KEYS[1]  # travels with backups (core/backup.py)
HEAD_CONTEXT = b"tocsin-tree-head-v1\x00"
HEAD_FORMAT = struct.Struct(">QQ32s")  # tree_size, timestamp_ms, root_hash
HEAD_BYTES = len(HEAD_CONTEXT) + HEAD_FORMAT.size
SIGNATURE_BYTES = 64
PublicKey = Ed25519PublicKey | bytes  # the key object, or its raw 32 bytes


def head_bytes(tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    """The canonical message of a tree head (see the module docstring for the layout)."""
    if len(root_hash) != HASH_SIZE:
        raise ValueError("a root hash is 32 bytes")
    if not (0 <= tree_size < 2**64 and 0 <= timestamp_ms < 2**64):
        raise ValueError("tree size and timestamp are unsigned 64-bit integers")
    return HEAD_CONTEXT + HEAD_FORMAT.pack(tree_size, timestamp_ms, root_hash)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_raw(public)).hexdigest()


def public_raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_from_raw(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class LogKey:
    """The private signing key of a custody log."""

    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> LogKey:
        return cls(Ed25519PrivateKey.generate())

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def public_raw(self) -> bytes:
        return public_raw(self.public)

    def public_pem(self) -> bytes:
        return public_pem(self.public)

    def to_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),  # protected by file permissions, like tocsin.keys
        )

    def save(self, path: Path) -> None:
        write_private(path, self.to_pem())

    @classmethod
    def load(cls, path: Path) -> LogKey:
        if not path.exists():
            raise ConfigurationError(f"custody log key {path} not found: run `tocsin init`")
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError:
            raise ConfigurationError(f"{path} is not a PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigurationError(f"{path} is not an Ed25519 key")
        return cls(key)


def log_key_path(settings: Settings) -> Path:
    return settings.key_file.parent / LOG_KEY_NAME


def load_or_create_log_key(settings: Settings) -> LogKey:
    """The store's log key, made on first use (a log must never run unsigned for lack of it)."""
    path = log_key_path(settings)
    if path.exists():
        return LogKey.load(path)
    key = LogKey.generate()
    key.save(path)
    return key


@dataclass(frozen=True)
class TreeHead:
    """A signed statement that the log held ``tree_size`` entries with this root at this time."""

    tree_size: int
    timestamp_ms: int
    root_hash: bytes
    signature: bytes
    key_id: str

    def message(self) -> bytes:
        return head_bytes(self.tree_size, self.timestamp_ms, self.root_hash)


def now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


def sign_tree_head(
    key: LogKey, tree_size: int, root_hash: bytes, timestamp_ms: int | None = None
) -> TreeHead:
    ts = now_ms() if timestamp_ms is None else timestamp_ms
    signature = key.private.sign(head_bytes(tree_size, ts, root_hash))
    return TreeHead(tree_size, ts, root_hash, signature, key.key_id)


def verify_tree_head(public: PublicKey, head: TreeHead) -> bool:
    """True only if this exact key signed exactly this head; never raises on bad input."""
    try:
        pub = public_from_raw(public) if isinstance(public, bytes) else public
        if head.key_id != key_id(pub) or len(head.signature) != SIGNATURE_BYTES:
            return False
        pub.verify(head.signature, head.message())
    except (InvalidSignature, ValueError):
        return False
    return True
