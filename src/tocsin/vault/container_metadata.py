"""Metadata in videos (ISO base media: MP4, MOV, 3GP) and PDF documents, standard library only.

A phone video's ``moov`` box, which holds its creation time and location, is usually written
after the media data, so it is looked for in the sample's tail as well as its head.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tocsin.vault.metadata_findings import Findings, MetadataKind, Sample, clean_text

_MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
_UNKNOWN_DURATIONS = frozenset({0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF})
_UDTA_TEXT = {
    b"\xa9xyz": "location",
    b"\xa9mak": "make",
    b"\xa9mod": "model",
    b"\xa9swr": "software",
}
_APPLE_LOCATION_KEY = b"com.apple.quicktime.location.ISO6709"
_ISO6709 = re.compile(rb"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")
_ISO6709_POINT = re.compile(rb"[+-]\d+(?:\.\d+)?[+-]\d+(?:\.\d+)?(?:[+-]\d+(?:\.\d+)?)?/")
_MAX_BOXES = 4096  # per level: real files have a handful; hostile ones are cut short

_PDF_FIELDS = {
    b"CreationDate": "creation_date",
    b"ModDate": "mod_date",
    b"Producer": "producer",
    b"Creator": "creator",
    b"Author": "author",
}
_PDF_ENTRY = re.compile(rb"/(CreationDate|ModDate|Producer|Creator|Author)\s*([(<])")
_PDF_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
_PDF_RAW_LIMIT = 1600  # bytes of a string read: enough for 200 characters in UTF-16


def boxes(sample: Sample, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box between ``start`` and ``end``, as long as
    the sample holds each box header."""
    pos = start
    for _ in range(_MAX_BOXES):
        header = sample.at(pos, 8)
        if header is None or pos + 8 > end:
            return
        size, kind = struct.unpack(">I4s", header)
        body = pos + 8
        if size == 1:
            large = sample.at(pos + 8, 8)
            if large is None:
                return
            size, body = int.from_bytes(large, "big"), pos + 16
        elif size == 0:  # runs to the end of its container
            size = end - pos
        if size < body - pos or pos + size > end:
            return
        yield kind, body, pos + size
        pos += size


def read_iso_bmff(sample: Sample, found: Findings) -> None:
    for kind, body, end in boxes(sample, 0, sample.size):
        if kind == b"moov":
            _moov(sample, body, end, found)
            break
    if MetadataKind.MP4_LOCATION not in found.kinds:
        _apple_location(sample, found)


def _moov(sample: Sample, start: int, end: int, found: Findings) -> None:
    for kind, body, box_end in boxes(sample, start, end):
        if kind == b"mvhd":
            _mvhd(sample.at(body, min(box_end - body, 32)), found)
        elif kind == b"udta":
            for item, item_body, item_end in boxes(sample, body, box_end):
                if item in _UDTA_TEXT:
                    _udta_text(_UDTA_TEXT[item], sample.at(item_body, item_end - item_body), found)


def _mvhd(payload: bytes | None, found: Findings) -> None:
    if payload is None or len(payload) < 20:
        return
    if payload[0] == 1:
        if len(payload) < 32:
            return
        created, _, timescale, duration = struct.unpack(">QQIQ", payload[4:32])
    else:
        created, _, timescale, duration = struct.unpack(">IIII", payload[4:20])
    if created:  # zero means the writer did not know
        try:
            moment = _MP4_EPOCH + timedelta(seconds=created)
        except OverflowError:
            found.note(f"mp4: creation time {created} is out of range")
        else:
            found.values["created_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if timescale and duration not in _UNKNOWN_DURATIONS:
        found.values["duration_s"] = round(duration / timescale, 3)


def _udta_text(key: str, payload: bytes | None, found: Findings) -> None:
    """A QuickTime user-data string: 16-bit length, 16-bit language, then the text."""
    if payload is None or len(payload) < 4:
        return
    length = int.from_bytes(payload[:2], "big")
    text = payload[4 : 4 + length]
    if key == "location":
        _location(text, found)
    else:
        device = found.values.get("device", {})
        found.text(key, text, into=device)
        if device:
            found.values["device"] = device


def _apple_location(sample: Sample, found: Findings) -> None:
    """Apple's keyed metadata (``moov/meta``): the key name, then its value further on."""
    for window in (sample.head, sample.tail):
        at = window.find(_APPLE_LOCATION_KEY)
        if at >= 0:
            match = _ISO6709_POINT.search(window, at)
            if match is not None:
                _location(match.group(), found)
                return


def _location(text: bytes, found: Findings) -> None:
    """An ISO 6709 point such as ``+48.8577+002.2950+035.0/``, in degrees, DDMM or DDMMSS."""
    match = _ISO6709.match(text.strip())
    if match is None:
        found.note("mp4: location is not an ISO 6709 point")
        return
    lat, lon = _iso6709_angle(match.group(1), 2), _iso6709_angle(match.group(2), 3)
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        found.note("mp4: location dropped: out of range or unreadable")
        return
    altitude = None if match.group(3) is None else round(float(match.group(3)), 3)
    found.kinds.add(MetadataKind.MP4_LOCATION)
    found.values.setdefault("gps", {"lat": lat, "lon": lon, "alt_m": altitude})


def _iso6709_angle(part: bytes, degree_digits: int) -> float | None:
    sign = -1 if part[:1] == b"-" else 1
    digits = part[1:].decode("ascii")
    whole = digits.split(".")[0]
    d = degree_digits
    if len(whole) == d:
        value = float(digits)
    elif len(whole) == d + 2:
        value = int(whole[:d]) + float(digits[d:]) / 60
    elif len(whole) == d + 4:
        value = int(whole[:d]) + int(whole[d : d + 2]) / 60 + float(digits[d + 2 :]) / 3600
    else:
        return None
    return round(sign * value, 7)


def read_pdf(sample: Sample, found: Findings) -> None:
    """Info dictionary entries, found by pattern: the last one in the file wins, as later
    incremental updates replace earlier ones. An Info dictionary inside a compressed object
    stream is not seen."""
    if b"/Encrypt" in sample.tail or b"/Encrypt" in sample.head:
        found.note("pdf: encrypted, its document information is not read")
        return
    info: dict[str, Any] = {}
    for window in (sample.tail, sample.head):
        # Only the last entry of each name is decoded: a file made of nothing but entries
        # costs a pattern search, not a string parse per entry.
        last = {match.group(1): match for match in _PDF_ENTRY.finditer(window)}
        for name, match in last.items():
            raw = _pdf_string(window, match.end(), match.group(2) == b"(")
            text = clean_text(_pdf_decode(raw))
            if text is not None:
                info.setdefault(_PDF_FIELDS[name], text)
    if info:
        found.kinds.add(MetadataKind.PDF_INFO)
        found.values["pdf"] = dict(sorted(info.items()))


def _pdf_string(data: bytes, start: int, literal: bool) -> bytes:
    if not literal:
        end = data.find(b">", start, start + 2 * _PDF_RAW_LIMIT)
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[start : end if end >= 0 else start])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    out, depth, i = bytearray(), 0, start
    while i < len(data) and len(out) < _PDF_RAW_LIMIT:
        c = data[i]
        i += 1
        if c == 0x5C and i < len(data):  # backslash escape
            e = data[i]
            i += 1
            if 0x30 <= e <= 0x37:
                octal = re.match(rb"[0-7]{1,3}", data[i - 1 : i + 2])
                assert octal is not None
                out.append(int(octal.group(), 8) & 0xFF)
                i += len(octal.group()) - 1
            elif e in (0x0A, 0x0D):  # line continuation
                if e == 0x0D and data[i : i + 1] == b"\n":
                    i += 1
            else:
                out.append(_PDF_ESCAPES.get(e, e))
        elif c == 0x29 and depth == 0:
            break
        else:
            depth += (c == 0x28) - (c == 0x29)
            out.append(c)
    return bytes(out)


def _pdf_decode(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")  # near enough to PDFDocEncoding for names and dates
