"""Working copies for sharing: the same image, with what identifies its maker removed.

``stripped`` transforms a stream of chunks (``BlobStore.open``) into the copy as it goes, with
memory bounded by the input chunk size, whatever the file's size. The stored original is
never touched. The image data is copied byte for byte, so the copy decodes to the same pixels.

- JPEG: the EXIF and XMP (APP1), IPTC (APP13) and every other application segment and comment
  are dropped; APP0 (JFIF), APP2 colour profiles and APP14 (Adobe colour transform, needed to
  decode the colours) are kept. Everything after the end-of-image marker is dropped too: that
  is where phones append further pictures and "motion photo" videos, each with its own EXIF.
  The EXIF orientation goes with the EXIF, so a photo taken sideways displays sideways.
- PNG: only the chunks needed to show the image correctly are kept (critical chunks, colour,
  transparency, pixel size, animation); text, EXIF, timestamps and private chunks are dropped.
- WebP is not stripped: its RIFF header states the file size before the chunks to drop, which
  a single pass cannot rewrite.

Errors in the file surface while iterating, possibly after some output; a caller that streams
the copy somewhere must treat an error as a failed copy. The input is read to its end even
after the image ends, so that damage to a stored blob (checked when it is exhausted) is raised.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Iterator

from tocsin.core.errors import ValidationFailed

__all__ = ["can_strip", "stripped"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT_ANCILLARY = frozenset(
    {
        b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"mDCv",
        b"cLLI", b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"sTER", b"acTL", b"fcTL", b"fdAT",
    }
)  # fmt: skip
_PNG_MAX_LENGTH = (1 << 31) - 1
_JPEG_KEPT_APP = frozenset({0xE0, 0xEE})  # JFIF, Adobe; APP2 is kept for colour profiles only
_ICC_HEADER = b"ICC_PROFILE\x00"
# In entropy-coded data a 0xFF is followed by 0x00 (stuffing), a restart marker or another
# 0xFF (fill); anything else is a marker.
_SCAN_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed.on("file", message)


class _Feed:
    """Input chunks of any size, consumed by byte counts, with at most one chunk buffered
    beyond what is asked for."""

    def __init__(self, chunks: Iterable[bytes], what: str) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()
        self._what = what
        self.offset = 0  # bytes consumed so far

    def _pull(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._buffer += chunk
                return True
        return False

    def _take(self, count: int) -> bytes:
        piece = bytes(self._buffer[:count])
        del self._buffer[:count]
        self.offset += len(piece)
        return piece

    def truncated(self, inside: str) -> ValidationFailed:
        end = self.offset + len(self._buffer)
        return _bad(f"the {self._what} is truncated: it ends at byte {end}, inside {inside}")

    def peek(self, count: int) -> bytes:
        """Up to ``count`` bytes, not consumed; fewer only at the end of the input."""
        while len(self._buffer) < count and self._pull():
            pass
        return bytes(self._buffer[:count])

    def take(self, count: int, inside: str) -> bytes:
        if len(self.peek(count)) < count:
            raise self.truncated(inside)
        return self._take(count)

    def pieces(self, count: int, inside: str) -> Iterator[bytes]:
        """The next ``count`` bytes, as they arrive."""
        while count > 0:
            if not self._buffer and not self._pull():
                raise self.truncated(inside)
            piece = self._take(count)
            count -= len(piece)
            yield piece

    def skip(self, count: int, inside: str) -> None:
        for _ in self.pieces(count, inside):
            pass

    def until(self, pattern: re.Pattern[bytes], inside: str) -> Iterator[bytes]:
        """Bytes up to the next match of a two-byte ``pattern``, which stays in the input."""
        while True:
            match = pattern.search(self._buffer)
            if match is not None:
                if match.start():
                    yield self._take(match.start())
                return
            if len(self._buffer) > 1:  # the last byte may begin a match
                yield self._take(len(self._buffer) - 1)
            if not self._pull():
                raise self.truncated(inside)

    def drain(self) -> None:
        self._buffer.clear()
        for _ in self._chunks:
            pass


def _jpeg(feed: _Feed) -> Iterator[bytes]:
    if feed.peek(3) != b"\xff\xd8\xff":
        raise _bad("not a JPEG: it does not begin with a start-of-image marker")
    yield feed.take(2, "the start-of-image marker")
    in_scan = False
    while True:
        if in_scan:
            yield from feed.until(_SCAN_MARKER, "the image data")
        at = feed.offset
        if feed.take(1, "a marker") != b"\xff":
            raise _bad(f"not a valid JPEG: no marker where one should be, at byte {at}")
        code = feed.take(1, "a marker")[0]
        while code == 0xFF:  # fill bytes before a marker
            code = feed.take(1, "a marker")[0]
        if code == 0xD9:  # end of image
            yield b"\xff\xd9"
            feed.drain()
            return
        if 0xD0 <= code <= 0xD7 or code == 0x01:  # markers without a length
            yield bytes((0xFF, code))
            continue
        if code in (0x00, 0xD8):
            raise _bad(f"not a valid JPEG: unexpected marker 0x{code:02X} at byte {at}")
        length = int.from_bytes(feed.take(2, f"segment 0x{code:02X}"), "big")
        if length < 2:
            raise _bad(f"not a valid JPEG: segment 0x{code:02X} at byte {at} has length {length}")
        inside = f"segment 0x{code:02X} at byte {at}"
        if _jpeg_drops(code, feed.peek(min(length - 2, len(_ICC_HEADER)))):
            feed.skip(length - 2, inside)
        else:
            yield bytes((0xFF, code)) + length.to_bytes(2, "big")
            yield from feed.pieces(length - 2, inside)
        in_scan = in_scan or code == 0xDA


def _jpeg_drops(code: int, start: bytes) -> bool:
    if code == 0xFE:  # comment
        return True
    if code == 0xE2:  # colour profiles stay; multi-picture indexes and FlashPix data go
        return not start.startswith(_ICC_HEADER)
    return 0xE0 <= code <= 0xEF and code not in _JPEG_KEPT_APP


def _png(feed: _Feed) -> Iterator[bytes]:
    if feed.peek(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
        raise _bad("not a PNG: it does not begin with the PNG signature")
    yield feed.take(len(_PNG_SIGNATURE), "the signature")
    while True:
        at = feed.offset
        header = feed.take(8, f"the chunk header at byte {at}")
        length, kind = struct.unpack(">I4s", header)
        if length > _PNG_MAX_LENGTH or not kind.isalpha() or not kind.isascii():
            raise _bad(f"not a valid PNG: the chunk at byte {at} has a bad length or type")
        inside = f"chunk {kind.decode('ascii')} at byte {at}"
        critical = kind[:1].isupper()  # a decoder cannot show the image without these
        if critical or kind in _PNG_KEPT_ANCILLARY:
            yield header
            yield from feed.pieces(length + 4, inside)  # data and its unchanged CRC
        else:
            feed.skip(length + 4, inside)
        if kind == b"IEND":
            feed.drain()
            return


_STRIPPERS: dict[str, Callable[[_Feed], Iterator[bytes]]] = {
    "image/jpeg": _jpeg,
    "image/png": _png,
}


def _normal(media_type: str) -> str:
    bare = media_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare)


def can_strip(media_type: str) -> bool:
    """Whether ``stripped`` can make a copy of a file of this type without its metadata."""
    return _normal(media_type) in _STRIPPERS


def stripped(chunks: Iterable[bytes], media_type: str) -> Iterator[bytes]:
    """The file in ``chunks`` without its identifying metadata, as a stream of chunks.

    An unsupported type is refused here, before anything is read; a file that is not what
    its type says, or is damaged, raises ``ValidationFailed`` on ``file`` while iterating.
    """
    strip = _STRIPPERS.get(_normal(media_type))
    if strip is None:
        shown = media_type.strip()[:100] or "untyped"
        raise ValidationFailed.on(
            "media_type",
            f"metadata cannot be removed from {shown} files; share the original or convert "
            "it first",
        )
    return strip(_Feed(chunks, _normal(media_type).removeprefix("image/").upper()))
