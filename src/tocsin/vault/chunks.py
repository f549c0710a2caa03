"""The on-disk blob format: a versioned header, then the content in AES-256-GCM chunks.

Layout of a stored blob (all integers big-endian)::

    magic        8   b"TOCSINVB"
    version      1   1
    chunk_size   4   plaintext bytes per chunk (every chunk but the last is full)
    key_id_len   1
    key_id       n   id of the vault key that wrapped the file key (ASCII)
    nonce_prefix 8   random, per blob
    check        8   SHA-256 of the fields above, truncated: names header damage as such
    wrapped_key 60   AES-GCM(vault key, nonce 12 | file key 32 | tag 16), header fields as AAD
    chunk 0..N       ciphertext | tag 16; nonce = nonce_prefix | index (4), AAD = label, index,
                     final flag

The chunk index is in both the nonce and the associated data and the last chunk carries a
final flag, so a chunk moved, dropped, duplicated or cut off fails authentication. An input
that is an exact multiple of the chunk size ends with a full final chunk; an empty input is a
single empty final chunk, so every blob has at least one authenticated chunk.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.core.errors import ConfigurationError, TocsinError
from tocsin.vault.vault_key import WRAPPED_BYTES, UnwrapFailed, VaultKey

MAGIC = b"TOCSINVB"
VERSION = 1
TAG_BYTES = 16
NONCE_PREFIX_BYTES = 8
CHECK_BYTES = 8
DEFAULT_CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 64 << 20
MAX_CHUNKS = 1 << 32  # the nonce has a 4-byte counter
_FIXED = struct.Struct(">8sBIB")
_AAD = struct.Struct(">19sIB")
_AAD_LABEL = b"tocsin-vault-chunk1"
_KEY_ID = re.compile(rb"[A-Za-z0-9_-]{1,32}")


class Damage(StrEnum):
    """What verification found wrong with a blob; one vocabulary for verdicts and errors."""

    MISSING = "missing"
    HEADER = "header"
    WRAPPED_KEY = "wrapped_key"
    WRONG_KEY = "wrong_key"
    CHUNK = "chunk"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    APPENDED = "appended"
    HASH_MISMATCH = "hash_mismatch"
    UNREADABLE = "unreadable"


class BlobDamaged(TocsinError):
    """A stored blob failed an integrity check; ``damage`` and ``chunk`` say where."""

    status = 500
    title = "Evidence file damaged"

    def __init__(self, damage: Damage, detail: str, chunk: int | None = None) -> None:
        super().__init__(detail)
        self.damage = damage
        self.chunk = chunk


class BlobTooLarge(TocsinError):
    status = 413
    title = "Evidence file too large"


class Readable(Protocol):
    """Anything with a binary ``read``: an open file, an upload, a socket file, a generator."""

    def read(self, size: int = -1, /) -> bytes: ...


def read_full(stream: Readable, size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at end of stream.

    Pipes, sockets and uploads return short reads; chunk boundaries must not depend on them,
    or the same content would be cut differently from one upload to the next.
    """
    data = stream.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = stream.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def chunk_aad(index: int, final: bool) -> bytes:
    return _AAD.pack(_AAD_LABEL, index, 1 if final else 0)


@dataclass(frozen=True)
class Header:
    chunk_size: int
    key_id: str
    nonce_prefix: bytes
    wrapped_key: bytes

    def fields(self) -> bytes:
        kid = self.key_id.encode("ascii")
        return _FIXED.pack(MAGIC, VERSION, self.chunk_size, len(kid)) + kid + self.nonce_prefix

    def encode(self) -> bytes:
        fields = self.fields()
        return fields + _check(fields) + self.wrapped_key

    @classmethod
    def seal(cls, vault_key: VaultKey, file_key: bytes, chunk_size: int) -> Header:
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ConfigurationError(f"chunk size must be between 1 and {MAX_CHUNK_SIZE} bytes")
        unsealed = cls(chunk_size, vault_key.current, os.urandom(NONCE_PREFIX_BYTES), b"")
        wrapped = vault_key.wrap(file_key, unsealed.fields())
        return cls(chunk_size, vault_key.current, unsealed.nonce_prefix, wrapped)

    @classmethod
    def read(cls, fh: BinaryIO) -> Header:
        fixed = fh.read(_FIXED.size)
        if len(fixed) < _FIXED.size:
            raise BlobDamaged(Damage.HEADER, "file is shorter than a blob header")
        magic, version, chunk_size, kid_len = _FIXED.unpack(fixed)
        if magic != MAGIC:
            raise BlobDamaged(Damage.HEADER, "header: bad magic bytes, not a Tocsin vault blob")
        if version != VERSION:
            raise BlobDamaged(Damage.HEADER, f"header: unknown format version {version}")
        rest = fh.read(kid_len + NONCE_PREFIX_BYTES)
        check = fh.read(CHECK_BYTES)
        if len(rest) < kid_len + NONCE_PREFIX_BYTES or len(check) < CHECK_BYTES:
            raise BlobDamaged(Damage.HEADER, "header is cut short")
        fields = fixed + rest
        if _check(fields) != check:
            raise BlobDamaged(Damage.HEADER, "header checksum mismatch: a header field changed")
        kid = rest[:kid_len]
        # The checksum catches accidents; these checks stop a forged header that fixed its
        # checksum from steering us into a huge allocation or an odd key id.
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise BlobDamaged(Damage.HEADER, f"header: chunk size {chunk_size} out of range")
        if not _KEY_ID.fullmatch(kid):
            raise BlobDamaged(Damage.HEADER, "header: key id is not a valid id")
        wrapped = fh.read(WRAPPED_BYTES)
        if len(wrapped) < WRAPPED_BYTES:
            raise BlobDamaged(Damage.WRAPPED_KEY, "wrapped key is cut short")
        return cls(chunk_size, kid.decode("ascii"), rest[kid_len:], wrapped)

    def unwrap(self, vault_key: VaultKey) -> bytes:
        """The file key; UnknownVaultKey if the key file lacks the key id (not damage)."""
        try:
            return vault_key.unwrap(self.key_id, self.wrapped_key, self.fields())
        except UnwrapFailed as exc:
            raise BlobDamaged(Damage.WRAPPED_KEY, exc.detail) from None


def _check(fields: bytes) -> bytes:
    return hashlib.sha256(fields).digest()[:CHECK_BYTES]


class ChunkSealer:
    def __init__(self, file_key: bytes, nonce_prefix: bytes) -> None:
        self._aead = AESGCM(file_key)
        self._prefix = nonce_prefix

    def seal(self, index: int, final: bool, plaintext: bytes) -> bytes:
        if index >= MAX_CHUNKS:
            raise BlobTooLarge(f"a blob holds at most {MAX_CHUNKS} chunks")
        return self._aead.encrypt(
            chunk_nonce(self._prefix, index), plaintext, chunk_aad(index, final)
        )


class ChunkReader:
    """Decrypts a blob file chunk by chunk, raising BlobDamaged that names the chunk."""

    def __init__(self, fh: BinaryIO, vault_key: VaultKey) -> None:
        self._fh = fh
        self.header = Header.read(fh)
        self._header_len = fh.tell()
        self._aead = AESGCM(self.header.unwrap(vault_key))
        self._step = self.header.chunk_size + TAG_BYTES

    def chunks(self) -> Iterator[bytes]:
        current = read_full(self._fh, self._step)
        index = 0
        while True:
            # Look one chunk ahead: the final flag is authenticated, so we must know
            # whether this chunk is the last one before we can open it.
            upcoming = read_full(self._fh, self._step) if len(current) == self._step else b""
            final = not upcoming
            if len(current) < TAG_BYTES:
                raise BlobDamaged(
                    Damage.TRUNCATED,
                    f"file is cut short: chunk {index} has {len(current)} bytes, "
                    f"less than its {TAG_BYTES}-byte tag",
                    chunk=index,
                )
            try:
                plain = self._open(index, final, current)
            except InvalidTag:
                raise self._diagnose(index, final, current) from None
            yield plain
            if final:
                return
            current = upcoming
            index += 1

    def _open(self, index: int, final: bool, sealed: bytes) -> bytes:
        return self._aead.decrypt(
            chunk_nonce(self.header.nonce_prefix, index), sealed, chunk_aad(index, final)
        )

    def _opens(self, index: int, final: bool, sealed: bytes) -> bool:
        try:
            self._open(index, final, sealed)
        except InvalidTag:
            return False
        return True

    def _diagnose(self, index: int, final: bool, sealed: bytes) -> BlobDamaged:
        """Tell truncation, appended data and moved chunks apart from a plain altered chunk.

        Only runs once authentication has already failed, so its extra decryptions cost
        nothing on intact blobs.
        """
        start = self._header_len + index * self._step
        where = f"chunk {index} (stored bytes {start}-{start + len(sealed) - 1})"
        if final and self._opens(index, False, sealed):
            return BlobDamaged(
                Damage.TRUNCATED,
                f"file is cut short after chunk {index}, which is not the last chunk",
                chunk=index,
            )
        if not final and self._opens(index, True, sealed):
            return BlobDamaged(
                Damage.APPENDED,
                f"chunk {index} is the last chunk but data follows it: bytes were appended",
                chunk=index,
            )
        stored_chunks = -(-(os.fstat(self._fh.fileno()).st_size - self._header_len) // self._step)
        # Chunks dropped before this one shift later chunks down; look a little past the end.
        for other in range(min(stored_chunks + 16, MAX_CHUNKS)):
            if other != index and any(self._opens(other, f, sealed) for f in (False, True)):
                return BlobDamaged(
                    Damage.REORDERED,
                    f"{where} holds chunk {other}: chunks were reordered, dropped or duplicated",
                    chunk=index,
                )
        return BlobDamaged(
            Damage.CHUNK,
            f"{where} failed authentication: its ciphertext or tag was altered",
            chunk=index,
        )
