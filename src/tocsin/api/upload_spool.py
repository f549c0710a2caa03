"""The buffer uploads wait in, encrypted under a key that never leaves memory.

Starlette parses a multipart upload into a temporary file before the route runs, and the
standard one writes the file in clear to the system's temporary folder once it passes 1 MiB.
For evidence that would put a witness's recording on disk unencrypted, where a deleted file
can still be recovered. ``EncryptedSpool`` takes its place: the same file interface, backed by
an unnamed temporary file holding only AES-256-CTR ciphertext under a random key kept in this
object. When the request ends the key is gone, and what reached the disk is noise.

CTR (no authentication) is enough here: the buffer lives for one request inside this process,
and what is read back is hashed and sealed with AES-GCM by the blob store anyway.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from starlette import formparsers

_BLOCK = 16


class EncryptedSpool:
    """A read/write/seek binary file whose bytes on disk are encrypted (see module docstring)."""

    # Tells Starlette the buffer is on disk, so it writes to it from a worker thread.
    _rolled = True
    backing: Callable[[], IO[bytes]] = staticmethod(tempfile.TemporaryFile)  # type: ignore[assignment]

    def __init__(self, max_size: int = 0, *args: Any, **kwargs: Any) -> None:
        self._key = os.urandom(32)
        self._prefix = int.from_bytes(os.urandom(8), "big") << 64
        self._file = self.backing()
        self._pos = 0
        self._size = 0

    def _crypt(self, data: bytes, offset: int) -> bytes:
        """XOR with the key stream at ``offset`` (CTR runs the same way in both directions)."""
        block, skip = divmod(offset, _BLOCK)
        counter = (self._prefix | block).to_bytes(_BLOCK, "big")
        stream = Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor()
        return stream.update(bytes(skip) + data)[skip:]

    def write(self, data: bytes) -> int:
        self._file.seek(self._pos)
        self._file.write(self._crypt(bytes(data), self._pos))
        self._pos += len(data)
        self._size = max(self._size, self._pos)
        return len(data)

    def read(self, size: int = -1, /) -> bytes:
        self._file.seek(self._pos)
        cipher = self._file.read(size)
        plain = self._crypt(cipher, self._pos)
        self._pos += len(cipher)
        return plain

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        self._file.flush()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._key = b""
        self._file.close()

    def __enter__(self) -> EncryptedSpool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def install() -> None:
    """Make Starlette buffer every multipart upload in an ``EncryptedSpool``."""
    if not hasattr(formparsers, "SpooledTemporaryFile"):
        # A Starlette that buffers uploads some other way must be looked at, not trusted.
        raise RuntimeError("starlette.formparsers no longer uses SpooledTemporaryFile")
    formparsers.SpooledTemporaryFile = EncryptedSpool
