"""Metadata in still images: EXIF (time, place, device), and which other kinds are present.

The container (JPEG segments, PNG chunks, WebP RIFF chunks) is walked here, with the standard
library; Pillow only parses the EXIF block itself (``Image.Exif.load``), never the image, so
no pixel is decoded and an image's dimensions cannot trip Pillow's decompression-bomb check.
"""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

from tocsin.vault.metadata_findings import Findings, MetadataKind, Sample, clean_text, finite

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EXIF_HEADER = b"Exif\x00\x00"
_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
_ICC_HEADER = b"ICC_PROFILE\x00"
# Start-of-frame markers carry the size; C4 (DHT), C8 (reserved) and CC (DAC) do not.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_EXIF_TIME = "%Y:%m:%d %H:%M:%S"
_OFFSET = re.compile(r"[+-](?:0\d|1[0-4]):[0-5]\d")
_PNG_TEXT = frozenset({b"tEXt", b"zTXt", b"iTXt"})
_PNG_WANTED = frozenset({b"eXIf", b"iCCP"} | _PNG_TEXT)
_PNG_TAIL_CANDIDATES = 64
_WEBP_VP8X_SIZE = 10


def read_jpeg(sample: Sample, found: Findings) -> None:
    """Segments before the image data: they all sit in the head for any real camera file.
    Only the first EXIF segment is read, as image readers do."""
    data, pos = sample.head, 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            found.note("jpeg: segments end before the image data")
            return
        code = data[pos + 1]
        if code == 0xFF:  # fill byte
            pos += 1
            continue
        if code in (0xD9, 0xDA):  # end of image, start of scan: no metadata after this
            return
        if 0xD0 <= code <= 0xD7 or code in (0x01, 0xD8):
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        payload = data[pos + 4 : pos + 2 + length]
        if length < 2 or len(payload) < length - 2:
            return  # cut off by the end of the sample
        _jpeg_segment(code, payload, found)
        pos += 2 + length


def _jpeg_segment(code: int, payload: bytes, found: Findings) -> None:
    if code in _JPEG_SOF and len(payload) >= 5 and "width" not in found.values:
        found.values["height"], found.values["width"] = struct.unpack(">HH", payload[1:5])
    elif code == 0xE1 and payload.startswith(_EXIF_HEADER):
        if "exif" not in found.seen:
            found.seen.add("exif")
            read_exif(payload[len(_EXIF_HEADER) :], found)
    elif code == 0xE1 and payload.startswith(_XMP_HEADER):
        found.kinds.add(MetadataKind.XMP)
    elif code == 0xE2 and payload.startswith(_ICC_HEADER):
        found.kinds.add(MetadataKind.ICC)
    elif code == 0xED and b"8BIM\x04\x04" in payload:  # Photoshop resource 0x0404: IPTC
        found.kinds.add(MetadataKind.IPTC)
    elif code == 0xFE:
        found.kinds.add(MetadataKind.TEXT)


def read_png(sample: Sample, found: Findings) -> None:
    for kind, payload in _png_chunks(sample):
        if kind == b"eXIf" and "exif" not in found.seen:
            found.seen.add("exif")
            read_exif(payload, found)
        elif kind == b"iCCP":
            found.kinds.add(MetadataKind.ICC)
        elif kind == b"iTXt" and payload.startswith(b"XML:com.adobe.xmp\x00"):
            found.kinds.add(MetadataKind.XMP)
        else:
            found.kinds.add(MetadataKind.TEXT)


def _png_chunks(sample: Sample) -> Iterator[tuple[bytes, bytes]]:
    """The metadata chunks: walked by their lengths from the start while the sample holds
    their headers; past a gap, chunks found in the tail whose CRC is right (text and EXIF
    may follow the image data)."""
    pos = len(PNG_SIGNATURE)
    while True:
        header = sample.at(pos, 8)
        if header is None:
            break
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IEND":
            return
        if kind in _PNG_WANTED:
            payload = sample.at(pos + 8, length)
            if payload is None:
                break
            yield kind, payload
        pos += 12 + length
    if pos >= sample.size:
        return
    tail, start = sample.tail, max(0, pos - sample.tail_offset)
    candidates = re.finditer(rb"eXIf|tEXt|zTXt|iTXt|iCCP", tail[start:])
    # Bounded: each candidate costs a CRC over its length, and a hostile tail can be all names.
    for match in itertools.islice(candidates, _PNG_TAIL_CANDIDATES):
        at = start + match.start() - 4
        if at < 0:
            continue
        length = int.from_bytes(tail[at : at + 4], "big")
        body = tail[at + 4 : at + 8 + length]
        crc = tail[at + 8 + length : at + 12 + length]
        if len(crc) == 4 and zlib.crc32(body) == int.from_bytes(crc, "big"):
            yield body[:4], body[4:]


def read_webp(sample: Sample, found: Findings) -> None:
    pos, end = 12, min(sample.size, 8 + int.from_bytes(sample.head[4:8], "little"))
    while pos + 8 <= end:
        header = sample.at(pos, 8)
        if header is None:
            return
        kind, length = header[:4], int.from_bytes(header[4:], "little")
        if kind == b"EXIF" and "exif" not in found.seen:
            found.seen.add("exif")
            payload = sample.at(pos + 8, length)
            if payload is not None:
                read_exif(payload, found)
        elif kind == b"XMP ":
            found.kinds.add(MetadataKind.XMP)
        elif kind == b"ICCP":
            found.kinds.add(MetadataKind.ICC)
        elif kind == b"VP8X" and (canvas := sample.at(pos + 8, _WEBP_VP8X_SIZE)) is not None:
            found.values["width"] = 1 + int.from_bytes(canvas[4:7], "little")
            found.values["height"] = 1 + int.from_bytes(canvas[7:10], "little")
        pos += 8 + length + (length & 1)


def read_exif(raw: bytes, found: Findings) -> None:
    """Time, place, device and orientation from an EXIF block (a TIFF structure); a broken
    block is noted and the walk goes on to the rest of the file."""
    try:
        _read_exif(raw, found)
    except Exception as exc:
        found.failed("exif", exc)


def _read_exif(raw: bytes, found: Findings) -> None:
    exif = Image.Exif()
    exif.load(raw)
    if len(exif) == 0:
        return
    found.kinds.add(MetadataKind.EXIF)
    sub = exif.get_ifd(IFD.Exif)
    _taken_at(exif, sub, found)
    device: dict[str, Any] = {}
    for key, tags, tag in (
        ("make", exif, Base.Make),
        ("model", exif, Base.Model),
        ("software", exif, Base.Software),
        ("serial", sub, Base.BodySerialNumber),
        ("lens", sub, Base.LensModel),
    ):
        found.text(key, tags.get(tag), into=device)
    if device:
        found.values.setdefault("device", device)
    orientation = exif.get(Base.Orientation)
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        found.values["orientation"] = orientation
    gps = exif.get_ifd(IFD.GPSInfo)
    if gps:
        found.kinds.add(MetadataKind.GPS)
        _gps(gps, found)


def _taken_at(exif: Image.Exif, sub: dict[int, Any], found: Findings) -> None:
    # Each time goes with its own offset tag; with no offset the time stays local, unzoned:
    # the camera's clock zone is not guessed from the place or the upload.
    for when, offset in (
        (sub.get(Base.DateTimeOriginal), sub.get(Base.OffsetTimeOriginal)),
        (exif.get(Base.DateTime), sub.get(Base.OffsetTime)),
    ):
        moment = _exif_time(when)
        if moment is None:
            continue
        found.values["taken_at"] = moment
        zone = clean_text(offset)
        if zone is not None and _OFFSET.fullmatch(zone):
            found.values["taken_at_offset"] = zone
        return


def _exif_time(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    try:
        return datetime.strptime(text[:19], _EXIF_TIME).isoformat()
    except ValueError:
        return None  # "0000:00:00 00:00:00" and friends: cameras with no clock set


def _gps(gps: dict[int, Any], found: Findings) -> None:
    lat = _coordinate(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef), "NS")
    lon = _coordinate(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef), "EW")
    if lat is None or lon is None:
        if GPS.GPSLatitude in gps or GPS.GPSLongitude in gps:
            found.note("gps dropped: coordinates or hemisphere references unreadable")
        return
    if abs(lat) > 90 or abs(lon) > 180:
        found.note(f"gps dropped: position {lat}, {lon} is out of range")
        return
    place: dict[str, Any] = {"lat": lat, "lon": lon, "alt_m": None}
    altitude = finite(gps.get(GPS.GPSAltitude))
    if altitude is not None:
        below = gps.get(GPS.GPSAltitudeRef) in (1, b"\x01")
        place["alt_m"] = round(-altitude if below else altitude, 3)
    at = _gps_time(gps.get(GPS.GPSDateStamp), gps.get(GPS.GPSTimeStamp))
    if at is not None:
        place["at"] = at
    found.values["gps"] = place


def _coordinate(parts: object, ref: object, hemispheres: str) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals, signed by the reference;
    no reference means no hemisphere, and a position is not guessed."""
    side = clean_text(ref)
    if side is None or side[:1].upper() not in hemispheres:
        return None
    values = [finite(p) for p in parts] if isinstance(parts, tuple) else [finite(parts)]
    if not 1 <= len(values) <= 3 or any(v is None or v < 0 for v in values):
        return None
    degrees = sum(v / 60.0**i for i, v in enumerate(values) if v is not None)
    sign = -1 if side[:1].upper() == hemispheres[1] else 1
    return round(sign * degrees, 7)  # about a centimetre: repeatable, and finer than any GPS


def _gps_time(date: object, time: object) -> str | None:
    day = clean_text(date)
    if day is None or not isinstance(time, tuple) or len(time) != 3:
        return None
    hours, minutes, seconds = (finite(t) for t in time)
    if hours is None or minutes is None or seconds is None:
        return None
    try:
        moment = datetime.strptime(day[:10], "%Y:%m:%d").replace(
            hour=int(hours), minute=int(minutes), second=int(seconds)
        )
    except (ValueError, OverflowError):
        return None
    return moment.isoformat() + "Z"
