"""Encrypted, content-addressed blob store: evidence files stored once, never modified.

A blob is named by the SHA-256 of its plaintext and stored at ``root/ab/cd/<sha256>``,
encrypted with its own random key (see ``vault.chunks`` for the format). ``put`` reads its
input once, in chunks, hashing (SHA-256 and SHA-512) and encrypting as it goes, so a file
larger than memory is stored with a few chunks of memory. This module keeps no records: the
evidence records, custody log and API are built on top of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.core.errors import ConfigurationError, NotFound, ValidationFailed
from tocsin.vault.chunks import (
    DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    BlobDamaged,
    ChunkReader,
    ChunkSealer,
    Damage,
    Header,
    Readable,
    read_full,
)
from tocsin.vault.vault_key import UnknownVaultKey, VaultKey, fsync_dir

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
TEMP_DIR = ".incoming"
BLOB_MODE = 0o400
DIR_MODE = 0o700


class BlobNotFound(NotFound):
    title = "Evidence file not found"


@dataclass(frozen=True)
class StoredBlob:
    """What ``put`` stored (or found already stored, when ``duplicate``)."""

    sha256: str
    sha512: str
    size: int
    path: Path
    key_id: str
    duplicate: bool


@dataclass(frozen=True)
class Verdict:
    """Result of ``verify``: intact, or exactly what is wrong and where."""

    sha256: str
    ok: bool
    detail: str
    damage: Damage | None = None
    chunk: int | None = None
    size: int | None = None
    sha512: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def _check_name(sha256: str) -> str:
    name = sha256.lower()
    if not _SHA256_HEX.fullmatch(name):
        # Also what keeps "../" and friends out of path_of.
        raise ValidationFailed.on("sha256", "must be 64 hexadecimal digits")
    return name


class BlobStore:
    """Blobs under ``root``, file keys wrapped by ``vault_key``."""

    def __init__(
        self, root: Path, vault_key: VaultKey, *, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ConfigurationError(f"chunk size must be between 1 and {MAX_CHUNK_SIZE} bytes")
        self.root = root
        self.vault_key = vault_key
        # Only new blobs use it: each blob records its own chunk size in its header.
        self.chunk_size = chunk_size

    def path_of(self, sha256: str) -> Path:
        name = _check_name(sha256)
        return self.root / name[:2] / name[2:4] / name

    def __contains__(self, sha256: object) -> bool:
        if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256.lower()):
            return False
        return self.path_of(sha256).is_file()

    def put(self, stream: BinaryIO | Readable) -> StoredBlob:
        """Store the stream's content once; if the same content is there, return that blob."""
        file_key = AESGCM.generate_key(bit_length=256)
        header = Header.seal(self.vault_key, file_key, self.chunk_size)
        # The name is only known once the whole stream is read, so the temp file cannot sit in
        # the final directory; it sits under root on the same file system, so the final link
        # into place is still atomic.
        incoming = self._mkdirs(self.root / TEMP_DIR)
        tmp = incoming / f"put-{os.urandom(8).hex()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header.encode())
                sha256, sha512, size = self._seal_stream(stream, out, file_key, header)
                path = self.path_of(sha256)
                if path.exists():
                    # Same content already stored: skip the fsync, the temp file goes below.
                    return self._stored(path, sha256, sha512, size, duplicate=True)
                # Read-only before the fsync, so the mode is as durable as the content.
                os.fchmod(out.fileno(), BLOB_MODE)
                out.flush()
                os.fsync(out.fileno())
            return self._place(tmp, path, sha256, sha512, size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _seal_stream(
        self, stream: BinaryIO | Readable, out: BinaryIO, file_key: bytes, header: Header
    ) -> tuple[str, str, int]:
        sealer = ChunkSealer(file_key, header.nonce_prefix)
        sha256, sha512 = hashlib.sha256(), hashlib.sha512()
        size = index = 0
        step = header.chunk_size
        # SHA-512 is the slowest step (about half the speed of SHA-256 with SHA-NI); hashlib
        # releases the GIL on large buffers, so one helper thread hashes it alongside the
        # SHA-256, encryption and write of the same chunk. Each chunk is waited for before
        # the next, so hashing order is preserved and at most two chunks are in memory.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-sha512") as helper:
            chunk = read_full(stream, step)
            while True:
                hashed = helper.submit(sha512.update, chunk)
                # Look one chunk ahead: the last chunk is sealed with a final flag.
                upcoming = read_full(stream, step) if len(chunk) == step else b""
                final = not upcoming
                sha256.update(chunk)
                out.write(sealer.seal(index, final, chunk))
                size += len(chunk)
                hashed.result()
                if final:
                    break
                chunk = upcoming
                index += 1
        return sha256.hexdigest(), sha512.hexdigest(), size

    def _place(self, tmp: Path, path: Path, sha256: str, sha512: str, size: int) -> StoredBlob:
        directory = self._mkdirs(path.parent)
        try:
            # link, not rename: it never replaces an existing file, so a blob that a
            # concurrent put stored first is left untouched and reported as a duplicate.
            os.link(tmp, path)
        except FileExistsError:
            return self._stored(path, sha256, sha512, size, duplicate=True)
        fsync_dir(directory)
        return self._stored(path, sha256, sha512, size, duplicate=False)

    def _stored(
        self, path: Path, sha256: str, sha512: str, size: int, *, duplicate: bool
    ) -> StoredBlob:
        key_id = self.vault_key.current
        if duplicate:
            with path.open("rb") as fh:
                key_id = Header.read(fh).key_id
        return StoredBlob(sha256, sha512, size, path, key_id, duplicate)

    def _mkdirs(self, directory: Path) -> Path:
        """Create ``directory`` and missing parents, fsyncing each new entry's parent."""
        missing = []
        probe = directory
        while not probe.is_dir():
            missing.append(probe)
            probe = probe.parent
        for new in reversed(missing):
            with contextlib.suppress(FileExistsError):  # a concurrent put made it first
                new.mkdir(mode=DIR_MODE)
            fsync_dir(new.parent)
        return directory

    def open(self, sha256: str) -> Iterator[bytes]:
        """Plaintext chunks of a blob, each authenticated before it is yielded.

        Header, key and first problems are raised here; damage further in is raised by the
        iterator at the chunk where it is found, and a blob whose content does not match its
        name raises after its last chunk. Consumers must not treat output as good until the
        iterator is exhausted without error.
        """
        name = _check_name(sha256)
        fh = self._open_file(name)
        try:
            reader = ChunkReader(fh, self.vault_key)
        except BaseException:
            fh.close()
            raise
        return self._plaintext(fh, reader, name)

    @staticmethod
    def _plaintext(fh: BinaryIO, reader: ChunkReader, name: str) -> Iterator[bytes]:
        with fh:
            digest = hashlib.sha256()
            for chunk in reader.chunks():
                digest.update(chunk)
                yield chunk
            if digest.hexdigest() != name:
                raise BlobDamaged(
                    Damage.HASH_MISMATCH,
                    f"content decrypts but its SHA-256 is {digest.hexdigest()}, not its name",
                )

    def _open_file(self, name: str) -> BinaryIO:
        try:
            return self.path_of(name).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(f"no stored evidence file {name}") from None

    def verify(self, sha256: str) -> Verdict:
        """Decrypt every chunk and re-hash; report the first thing wrong, or intact."""
        name = _check_name(sha256)
        try:
            fh = self._open_file(name)
        except BlobNotFound as exc:
            return Verdict(name, False, exc.detail, damage=Damage.MISSING)
        except OSError as exc:
            return Verdict(name, False, f"cannot read the stored file: {exc}", Damage.UNREADABLE)
        sha256_hash, sha512_hash = hashlib.sha256(), hashlib.sha512()
        size = 0
        with fh:
            try:
                for chunk in ChunkReader(fh, self.vault_key).chunks():
                    sha256_hash.update(chunk)
                    sha512_hash.update(chunk)
                    size += len(chunk)
            except BlobDamaged as exc:
                return Verdict(name, False, exc.detail, damage=exc.damage, chunk=exc.chunk)
            except UnknownVaultKey as exc:
                return Verdict(name, False, exc.detail, damage=Damage.WRONG_KEY)
            except OSError as exc:
                # A failing disk (EIO) must show up as a verdict, not stop a verify of the vault.
                detail = f"cannot read the stored file: {exc}"
                return Verdict(name, False, detail, damage=Damage.UNREADABLE)
        if sha256_hash.hexdigest() != name:
            return Verdict(
                name,
                False,
                f"content decrypts but its SHA-256 is {sha256_hash.hexdigest()}, not its name",
                damage=Damage.HASH_MISMATCH,
                size=size,
                sha512=sha512_hash.hexdigest(),
            )
        return Verdict(name, True, "intact", size=size, sha512=sha512_hash.hexdigest())
