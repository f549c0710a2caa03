"""Metadata read from an evidence file as it streams past: type, size, time, place, device.

A file is read once, as it is hashed and encrypted, so nothing here can seek: ``Sampler``
passes the stream through and keeps its first HEAD_LIMIT and last TAIL_LIMIT bytes, and
``extract`` reads that sample. It holds what matters in the formats evidence comes in: EXIF at
the start of a photo, a phone video's ``moov`` box usually at its end, a PDF's document
information at either end.

What comes out is what the file claims, kept apart from what the collector states: it can be
wrong or forged like any other content. ``extract`` never raises; a reader that fails on a
malformed or hostile file leaves an ``extraction_error`` note and what was found before it.
"""

from __future__ import annotations

import mimetypes
import struct
from collections.abc import Callable
from typing import Any

from tocsin.vault.chunks import Readable
from tocsin.vault.container_metadata import read_iso_bmff, read_pdf
from tocsin.vault.image_metadata import read_jpeg, read_png, read_webp
from tocsin.vault.metadata_findings import Findings, MetadataKind, Sample

__all__ = ["HEAD_LIMIT", "TAIL_LIMIT", "MetadataKind", "Sample", "Sampler", "extract", "sniff"]

HEAD_LIMIT = 256 << 10
TAIL_LIMIT = 4 << 20
Progress = Callable[[int], None]  # bytes read so far

# Leading bytes of common evidence formats: a file's content, not its name, says what it is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x1aE\xdf\xa3", "video/webm"),
)
_RIFF_KINDS = {b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo", b"WEBP": "image/webp"}
_READERS: dict[str, Callable[[Sample, Findings], None]] = {
    "image/jpeg": read_jpeg,
    "image/png": read_png,
    "image/webp": read_webp,
    "video/mp4": read_iso_bmff,  # every ISO base media file: MP4, MOV, 3GP, HEIC
    "application/pdf": read_pdf,
}
# Types told apart reliably by content: a name claiming one of them for other content is
# worth a note (zip and ISO media are families with many names, so they are left out).
_NAMED_TYPES = frozenset(
    ({t for _, t in _SIGNATURES} | {"image/webp", "audio/wav"}) - {"application/zip"}
)
_XMP_MARKS = (b"<x:xmpmeta", b"<?xpacket begin")


class Sampler:
    """A stream read through once: counts its bytes, keeps its first ``head_limit`` and last
    ``tail_limit`` bytes, and reports progress after each read."""

    def __init__(
        self,
        stream: Readable,
        progress: Progress | None = None,
        *,
        head_limit: int = HEAD_LIMIT,
        tail_limit: int = TAIL_LIMIT,
    ) -> None:
        self._stream = stream
        self._progress = progress
        self._head_limit = head_limit
        self._tail_limit = tail_limit
        self._head = bytearray()
        self._tail = bytearray()
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._stream.read(size)
        if data:
            self._keep(data)
            if self._progress is not None:
                self._progress(self.size)
        return data

    def _keep(self, data: bytes) -> None:
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
        if len(data) >= self._tail_limit:
            self._tail = bytearray(data[len(data) - self._tail_limit :])
        else:
            self._tail += data
            # Trimmed only past twice the limit, so each byte is moved a bounded number of
            # times rather than on every read.
            if len(self._tail) > 2 * self._tail_limit:
                del self._tail[: len(self._tail) - self._tail_limit]
        self.size += len(data)

    def sample(self) -> Sample:
        tail = bytes(self._tail[max(0, len(self._tail) - self._tail_limit) :])
        return Sample(bytes(self._head), tail, self.size - len(tail), self.size)


def sniff(head: bytes) -> dict[str, Any]:
    """What the first bytes say, with the standard library only: type, and a PNG/GIF's size."""
    found: dict[str, Any] = {}
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            found["detected_type"] = media_type
            break
    else:
        if head[4:8] == b"ftyp":
            found["detected_type"] = "video/mp4"
        elif head[:4] == b"RIFF" and head[8:12] in _RIFF_KINDS:
            found["detected_type"] = _RIFF_KINDS[head[8:12]]
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        found["width"], found["height"] = struct.unpack(">II", head[16:24])
    elif head[:4] == b"GIF8" and len(head) >= 10:
        found["width"], found["height"] = struct.unpack("<HH", head[6:10])
    return found


def extract(sample: Sample, original_name: str = "") -> dict[str, Any]:
    """Everything the sample says about the file, as JSON-safe values; keys only when found.

    Keys: ``detected_type``, ``width``, ``height``, ``orientation``, ``taken_at`` (camera
    local time, no zone) and ``taken_at_offset``, ``gps`` (``lat``, ``lon``, ``alt_m``, and
    ``at`` in UTC), ``device`` (``make``, ``model``, ``software``, ``serial``, ``lens``),
    ``created_at`` (UTC) and ``duration_s`` for videos, ``pdf`` (its document information),
    ``metadata_present`` (sorted ``MetadataKind`` values) and ``notes``.
    """
    found = Findings()
    found.values.update(sniff(sample.head))
    detected = found.values.get("detected_type")
    reader = _READERS.get(detected) if isinstance(detected, str) else None
    # Each step on its own: a reader that fails on a hostile file must not stop an ingest,
    # nor take what the other steps found with it.
    for what, step in (
        (str(detected or "file"), reader),
        ("xmp", _look_for_xmp),
        ("name", lambda s, f: _check_name(original_name, detected, f)),
    ):
        if step is None:
            continue
        try:
            step(sample, found)
        except Exception as exc:
            found.failed(what, exc)
    return found.result()


def _look_for_xmp(sample: Sample, found: Findings) -> None:
    if any(mark in window for mark in _XMP_MARKS for window in (sample.head, sample.tail)):
        found.kinds.add(MetadataKind.XMP)


def _check_name(original_name: str, detected: object, found: Findings) -> None:
    named = mimetypes.guess_type(original_name, strict=False)[0] if original_name else None
    if named in _NAMED_TYPES and detected is not None and named != detected:
        found.note(f"name_mismatch: the name suggests {named}, the content is {detected}")
