"""Metadata extraction from a sample of a streamed file: exact values from files built here."""

from __future__ import annotations

import io
import json
import random
import struct
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.ExifTags import GPS, IFD
from tests.vault.imaging import (
    SECRET_XMP,
    R,
    camera_exif,
    camera_jpeg,
    picture,
    srgb_profile,
    tagged_png,
)

from tocsin.vault.file_metadata import HEAD_LIMIT, TAIL_LIMIT, Sample, Sampler, extract, sniff
from tocsin.vault.metadata_findings import clean_text

MiB = 1 << 20


class ShortReads:
    """A stream that returns fewer bytes than asked, in odd amounts, like a socket."""

    def __init__(self, data: bytes, seed: int = 7) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._rng = random.Random(seed)

    def read(self, size: int = -1, /) -> bytes:
        most = len(self._data) - self._pos if size < 0 else size
        count = min(most, self._rng.randrange(1, 300_001, 2))
        piece = bytes(self._data[self._pos : self._pos + count])
        self._pos += len(piece)
        return piece


def sample_of(data: bytes, head_limit: int = HEAD_LIMIT, tail_limit: int = TAIL_LIMIT) -> Sample:
    sampler = Sampler(io.BytesIO(data), head_limit=head_limit, tail_limit=tail_limit)
    while sampler.read(65_521):
        pass
    return sampler.sample()


def extracted(data: bytes, name: str = "") -> dict[str, Any]:
    found = extract(sample_of(data), name)
    json.dumps(found, allow_nan=False)  # JSON-safe, or this raises
    return found


# --- Sampler -------------------------------------------------------------------------------


def test_sampler_keeps_exact_head_and_tail_of_a_large_stream_in_bounded_memory() -> None:
    data = random.Random(1).randbytes(20 * MiB)
    seen: list[int] = []
    sampler = Sampler(ShortReads(data), seen.append)
    tracemalloc.start()
    try:
        while sampler.read(1_048_573):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sample = sampler.sample()
    assert sample.size == len(data) == seen[-1]
    assert sample.head == data[:HEAD_LIMIT]
    assert sample.tail == data[-TAIL_LIMIT:]
    assert sample.tail_offset == len(data) - TAIL_LIMIT
    assert seen == sorted(seen) and len(seen) > 20
    assert peak < 3 * TAIL_LIMIT + 2 * MiB  # a buffer that kept everything would be 20 MiB


def test_sampler_passes_the_stream_through_unchanged() -> None:
    data = random.Random(2).randbytes(300_000)
    sampler = Sampler(ShortReads(data), head_limit=1000, tail_limit=5000)
    parts = []
    while part := sampler.read(4096):
        parts.append(part)
    assert b"".join(parts) == data
    sample = sampler.sample()
    assert (sample.head, sample.tail) == (data[:1000], data[-5000:])
    assert sample.tail_offset == 295_000


def test_sampler_of_a_small_file_holds_it_whole() -> None:
    sample = sample_of(b"tiny file")
    assert sample == Sample(b"tiny file", b"tiny file", 0, 9)
    assert sample_of(b"") == Sample(b"", b"", 0, 0)


def test_sample_at_reads_only_what_it_holds() -> None:
    data = bytes(range(256)) * 40
    sample = sample_of(data, head_limit=100, tail_limit=1000)
    assert sample.at(10, 5) == data[10:15]
    assert sample.at(9500, 20) == data[9500:9520]
    assert sample.at(5000, 4) is None  # in the gap
    assert sample.at(10_230, 20) is None  # past the end


# --- sniff keeps the behaviour evidence.add relies on ----------------------------------------


def test_sniff_types_and_png_gif_sizes() -> None:
    png = tagged_png()
    gif = io.BytesIO()
    picture(9, 7).save(gif, "GIF")
    assert sniff(png[:64]) == {"detected_type": "image/png", "width": 64, "height": 48}
    assert sniff(gif.getvalue()[:64]) == {"detected_type": "image/gif", "width": 9, "height": 7}
    assert sniff(b"\x00\x00\x00\x18ftypmp42") == {"detected_type": "video/mp4"}
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == {"detected_type": "image/webp"}
    assert sniff(b"%PDF-1.7") == {"detected_type": "application/pdf"}
    assert sniff(b"plain text") == {}


# --- photos --------------------------------------------------------------------------------


def test_jpeg_exif_time_place_device() -> None:
    found = extracted(camera_jpeg())
    assert found == {
        "detected_type": "image/jpeg",
        "width": 64,
        "height": 48,
        "orientation": 6,
        "taken_at": "2024-05-06T07:08:09",
        "taken_at_offset": "-04:00",
        "gps": {"lat": -33.856, "lon": -70.5, "alt_m": 520.5, "at": "2024-05-06T11:08:09Z"},
        "device": {
            "make": "Acme",
            "model": "Pocket 7",
            "software": "Camera 1.2",
            "serial": "SN-0042",
            "lens": "Wide 26mm",
        },
        "metadata_present": ["exif", "gps", "icc", "text", "xmp"],
    }


def test_time_without_offset_gets_no_zone_and_falls_back_to_datetime() -> None:
    exif = Image.Exif()
    exif[0x0132] = "2023:12:31 23:59:58"  # DateTime only, no original time, no offset
    found = extracted(camera_jpeg(exif))
    assert found["taken_at"] == "2023-12-31T23:59:58"
    assert "taken_at_offset" not in found
    assert "gps" not in found and "device" not in found


def test_north_east_gps_is_positive_and_impossible_gps_is_dropped_with_a_note() -> None:
    north_east = extracted(camera_jpeg(camera_exif("N", "E")))["gps"]
    assert (north_east["lat"], north_east["lon"]) == (33.856, 70.5)
    found = extracted(camera_jpeg(camera_exif(lat_degrees=95)))
    assert "gps" not in found
    assert "gps" in found["metadata_present"]
    assert any(n.startswith("gps dropped") for n in found["notes"])


def test_gps_without_hemisphere_is_not_guessed() -> None:
    exif = camera_exif()
    del exif.get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef]
    found = extracted(camera_jpeg(exif))
    assert "gps" not in found
    assert any(n.startswith("gps dropped") for n in found["notes"])


def test_png_exif_and_text_chunks() -> None:
    found = extracted(tagged_png())
    assert found["width"] == 64 and found["height"] == 48
    assert found["taken_at"] == "2024-05-06T07:08:09"
    assert found["gps"]["lat"] == -33.856
    assert found["device"]["serial"] == "SN-0042"
    assert found["metadata_present"] == ["exif", "gps", "icc", "text"]


def test_webp_exif_xmp_and_canvas_size() -> None:
    out = io.BytesIO()
    picture(30, 20).save(
        out, "WEBP", exif=camera_exif(), xmp=SECRET_XMP, icc_profile=srgb_profile()
    )
    found = extracted(out.getvalue())
    assert (found["detected_type"], found["width"], found["height"]) == ("image/webp", 30, 20)
    assert found["gps"]["lon"] == -70.5
    assert found["metadata_present"] == ["exif", "gps", "icc", "xmp"]


def test_png_text_after_the_pixels_is_found_in_the_tail() -> None:
    png = tagged_png(after_idat=True)
    pos = png.index(b"IDAT") - 4
    # Image data too large for the head: the chunk walk loses its way, the tail scan does not.
    padding = struct.pack(">I", 400_000) + b"IDAT" + bytes(400_000) + b"\x00" * 4
    png = png[:pos] + padding + png[pos:]
    sample = sample_of(png, head_limit=1000)
    found = extract(sample)
    assert "text" in found["metadata_present"]


def test_malformed_exif_is_a_note_not_an_exception() -> None:
    exif = b"Exif\x00\x00XX*\x00\x08\x00\x00\x00" + b"\x01" * 40  # not a TIFF header
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    jpeg = camera_jpeg()
    found = extracted(jpeg[:2] + app1 + jpeg[2:])
    assert [n for n in found["notes"] if n.startswith("extraction_error")] == [
        "extraction_error: exif: SyntaxError: not a TIFF file"
        " (header b'XX*\\x00\\x08\\x00\\x00\\x00' not valid)"
    ]
    # The rest of the file is still read; a second EXIF block is ignored, as readers do.
    assert found["width"] == 64 and "icc" in found["metadata_present"]
    assert "gps" not in found


def test_text_values_lose_control_characters_and_are_capped() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Ac\x1b[31mme\x7f" + "x" * 500
    device = extracted(camera_jpeg(exif))["device"]
    assert device["make"].startswith("Ac [31mme xxx")
    assert len(device["make"]) == 200
    assert all(ch.isprintable() for ch in device["make"])


def test_clean_text_drops_direction_overrides_and_bad_surrogates() -> None:
    assert clean_text("invoice\u202eexe.pdf\ud800") == "invoice exe.pdf"
    assert clean_text(b"Caf\xc3\xa9\x00\x00") == "Café"
    assert clean_text("\x00 \t") is None
    assert clean_text(42) is None


def test_name_that_disagrees_with_the_content_is_noted() -> None:
    assert extracted(camera_jpeg(), "photo.png")["notes"] == [
        "name_mismatch: the name suggests image/png, the content is image/jpeg"
    ]
    assert "notes" not in extracted(camera_jpeg(), "photo.JPG")


# --- videos ----------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def phone_video(media_bytes: int, location: bytes = b"+48.8577+002.2950+035.5/") -> bytes:
    """ftyp, a large mdat, then moov (mvhd, udta/©xyz) at the end, as phones write them."""
    created = int((datetime(2023, 3, 4, 5, 6, 7, tzinfo=UTC) - datetime(1904, 1, 1, tzinfo=UTC))
                  .total_seconds())  # fmt: skip
    mvhd = box(b"mvhd", struct.pack(">B3xIIII", 0, created, created, 600, 7410) + bytes(80))
    xyz = box(b"\xa9xyz", struct.pack(">HH", len(location), 0x15C7) + location)
    model = box(b"\xa9mod", struct.pack(">HH", 6, 0) + b"Pixel9")
    moov = box(b"moov", mvhd + box(b"udta", xyz + model))
    return (
        box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + box(b"mdat", bytes(media_bytes)) + moov
    )


def test_mp4_with_moov_only_in_the_tail() -> None:
    video = phone_video(HEAD_LIMIT + MiB)
    sample = sample_of(video)
    assert b"moov" not in sample.head and b"moov" in sample.tail
    assert extract(sample) == {
        "detected_type": "video/mp4",
        "created_at": "2023-03-04T05:06:07Z",
        "duration_s": 12.35,
        "gps": {"lat": 48.8577, "lon": 2.295, "alt_m": 35.5},
        "device": {"model": "Pixel9"},
        "metadata_present": ["mp4_location"],
    }


def test_mp4_64_bit_mdat_and_version_1_mvhd() -> None:
    mvhd = box(b"mvhd", struct.pack(">B3xQQIQ", 1, 0, 0, 1000, 2500) + bytes(80))  # no time
    mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + 5000) + bytes(5000)
    video = box(b"ftyp", b"qt  \x00\x00\x00\x00") + mdat + box(b"moov", mvhd)
    found = extract(sample_of(video, head_limit=100, tail_limit=1000))
    assert found == {"detected_type": "video/mp4", "duration_s": 2.5}


def test_mp4_location_in_degrees_minutes_and_out_of_reach_moov() -> None:
    found = extracted(phone_video(10, b"-3351.36-07030.00/"))
    assert found["gps"] == {"lat": -33.856, "lon": -70.5, "alt_m": None}
    lost = extract(sample_of(phone_video(50_000), head_limit=100, tail_limit=100))
    assert lost == {"detected_type": "video/mp4"}


# --- documents -------------------------------------------------------------------------------

PDF_INFO = (
    b"4 0 obj\n<< /Producer (Writer \\(tests\\) 1.0\\051) /Creator (Office\\\n Suite)\n"
    b"/Author <FEFF00C9006C006900730065> /CreationDate (D:20240102030405+01'00')\n"
    b"/ModDate (D:20240203040506Z) >>\nendobj\n"
)


def small_pdf(middle: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + middle + PDF_INFO
        + b"trailer\n<< /Root 1 0 R /Info 4 0 R >>\n%%EOF\n"
    )  # fmt: skip


def test_pdf_info_dictionary() -> None:
    expected = {
        "author": "Élise",
        "creation_date": "D:20240102030405+01'00'",
        "creator": "Office Suite",
        "mod_date": "D:20240203040506Z",
        "producer": "Writer (tests) 1.0)",
    }
    assert extracted(small_pdf()) == {
        "detected_type": "application/pdf",
        "pdf": expected,
        "metadata_present": ["pdf_info"],
    }
    # Behind a megabyte of page content the Info dictionary is only in the tail.
    padding = b"% " + b"x" * MiB + b"\n"
    assert extract(sample_of(small_pdf(padding), head_limit=4096))["pdf"] == expected


def test_later_pdf_update_wins() -> None:
    update = b"5 0 obj\n<< /Author (Second Editor) >>\nendobj\n"
    assert extracted(small_pdf() + update)["pdf"]["author"] == "Second Editor"


@pytest.mark.parametrize(
    "hostile",
    [
        b"%PDF-1.7\n" + b"/Author (" * 500_000,
        b"\x89PNG\r\n\x1a\n" + b"\xff\xff\xff\xfftEXt" * 500_000,
        b"\xff\xd8" + b"\xff\xe1\x00\x0cExif\x00\x00XX*\x00" * 20_000,
    ],
)
def test_files_made_of_nothing_but_entries_are_read_quickly(hostile: bytes) -> None:
    started = time.perf_counter()
    found = extract(sample_of(hostile))
    assert time.perf_counter() - started < 3
    assert len(found.get("notes", [])) <= 20


# --- anything else ---------------------------------------------------------------------------


def test_unknown_formats_only_say_their_type() -> None:
    assert extracted(b"PK\x03\x04" + bytes(100)) == {"detected_type": "application/zip"}
    assert extracted(b"just some words") == {}


PREFIXES = [
    b"",
    b"\xff\xd8\xff\xe1",
    b"\x89PNG\r\n\x1a\n",
    b"\x00\x00\x00\x18ftypisom",
    b"RIFF\x00\x01\x00\x00WEBP",
    b"%PDF-1.7\n/Author (",
]


# Pillow warns about the EXIF damage it skips over; that is expected here.
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
@settings(max_examples=400, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    head=st.binary(max_size=600),
    tail=st.binary(max_size=600),
    gap=st.integers(min_value=0, max_value=1 << 40),
)
def test_extract_never_raises_and_stays_json_safe(
    prefix: bytes, head: bytes, tail: bytes, gap: int
) -> None:
    start = prefix + head
    sample = Sample(start, tail, len(start) + gap, len(start) + gap + len(tail))
    json.dumps(extract(sample), allow_nan=False)


@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=4000), flips=st.lists(st.integers(0, 4000)))
def test_damaged_real_files_never_raise(cut: int, flips: list[int]) -> None:
    for original in (camera_jpeg(), tagged_png(), phone_video(100), small_pdf()):
        data = bytearray(original[: max(cut, 4)])
        for at in flips:
            if at < len(data):
                data[at] ^= 0x5A
        json.dumps(extract(sample_of(bytes(data), head_limit=2000, tail_limit=500)))


@pytest.mark.parametrize("rational", [R(1, 0), R(0, 0)])
def test_gps_with_zero_denominators_is_dropped(rational: R) -> None:
    exif = camera_exif()
    exif.get_ifd(IFD.GPSInfo)[GPS.GPSLatitude] = (rational, R(0), R(0))
    found = extracted(camera_jpeg(exif))
    assert "gps" not in found
