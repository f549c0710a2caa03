"""Stripped working copies: same pixels, no identifying metadata, any chunking, clear errors."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from tests.vault.imaging import SECRET_XMP, camera_jpeg, srgb_profile, tagged_png

from tocsin.core.errors import ValidationFailed
from tocsin.vault.file_metadata import Sample, extract
from tocsin.vault.strip import can_strip, stripped

MiB = 1 << 20


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


def strip_all(data: bytes, media_type: str, size: int = MiB) -> bytes:
    return b"".join(stripped(chunked(data, size), media_type))


def metadata_of(data: bytes) -> dict[str, object]:
    return extract(Sample(data, data, 0, len(data)))


def png_chunk_types(data: bytes) -> list[bytes]:
    pos, kinds = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        kinds.append(kind)
        pos += 12 + length
    return kinds


def field_of(error: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return error.value.errors[0].field


def assert_same_pixels(original: bytes, copy: bytes) -> None:
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(copy)) as after:
        assert after.size == before.size
        assert after.tobytes() == before.tobytes()


@pytest.mark.parametrize("progressive", [False, True])
def test_jpeg_copy_has_same_pixels_and_no_identifying_metadata(progressive: bool) -> None:
    original = camera_jpeg(progressive=progressive, restart_marker_blocks=2)
    copy = strip_all(original, "image/jpeg")
    assert_same_pixels(original, copy)
    with Image.open(io.BytesIO(copy)) as image:
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}
        assert image.info["icc_profile"] == srgb_profile()
        assert "jfif" in image.info
        assert "xmp" not in image.info and "comment" not in image.info
    assert SECRET_XMP not in copy and b"checkpoint" not in copy and b"Acme" not in copy
    assert metadata_of(copy) == {
        "detected_type": "image/jpeg", "width": 64, "height": 48, "metadata_present": ["icc"],
    }  # fmt: skip
    # From the first scan on, the copy is the original byte for byte.
    assert copy[copy.index(b"\xff\xda") :] == original[original.index(b"\xff\xda") :]


def test_jpeg_drops_everything_after_the_image_and_other_app_segments() -> None:
    original = camera_jpeg()
    adobe = b"\xff\xee\x00\x0eAdobe\x00d\x00\x00\x00\x00\x01"
    mpf = b"\xff\xe2\x00\x0aMPF\x00II*\x00"
    iptc = b"\xff\xed\x00\x12Photoshop 3.0\x008B"
    jpeg = original[:2] + adobe + mpf + iptc + original[2:] + b"\x00\x00\x00\x18ftypmp42 video"
    copy = strip_all(jpeg, "image/jpeg")
    assert adobe in copy
    assert b"MPF" not in copy and b"Photoshop" not in copy and b"ftyp" not in copy
    assert copy.endswith(b"\xff\xd9")
    assert_same_pixels(original, copy)


@pytest.mark.parametrize("media_type", ["image/jpeg", "image/png"])
def test_one_byte_chunks_give_the_same_copy_as_large_ones(media_type: str) -> None:
    original = camera_jpeg(progressive=True) if media_type == "image/jpeg" else tagged_png(True)
    assert strip_all(original, media_type, 1) == strip_all(original, media_type, MiB)
    assert strip_all(original, media_type, 7) == strip_all(original, media_type, MiB)


def test_png_copy_keeps_pixels_and_colour_but_no_text_exif_time_or_private_chunks() -> None:
    original = tagged_png(after_idat=True)
    copy = strip_all(original, "image/png")
    assert_same_pixels(original, copy)
    kinds = png_chunk_types(copy)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert set(kinds) == {b"IHDR", b"iCCP", b"IDAT", b"IEND"}
    assert {b"tEXt", b"iTXt", b"tIME", b"eXIf", b"prVt"} <= set(png_chunk_types(original))
    with Image.open(io.BytesIO(copy)) as image:
        assert dict(image.getexif()) == {}
        assert image.info["icc_profile"] == srgb_profile()
        assert not getattr(image, "text", {})
    assert metadata_of(copy)["metadata_present"] == ["icc"]


@pytest.mark.parametrize("media_type", ["image/jpeg", "image/png"])
def test_truncated_or_garbage_files_name_the_file(media_type: str) -> None:
    original = camera_jpeg() if media_type == "image/jpeg" else tagged_png()
    for bad in (original[: len(original) // 2], original[:-1], b"garbage", b""):
        with pytest.raises(ValidationFailed) as error:
            strip_all(bad, media_type)
        assert field_of(error) == "file"
        assert error.value.errors[0].message  # says what is wrong


def test_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(ValidationFailed, match="not a PNG"):
        strip_all(b"\x89PNX\r\n\x1a\n", "image/png")
    with pytest.raises(ValidationFailed, match="truncated"):
        strip_all(camera_jpeg()[:300], "image/jpeg")
    huge = tagged_png()[:8] + struct.pack(">I4s", 0xFFFFFFF0, b"IHDR")
    with pytest.raises(ValidationFailed, match="bad length or type"):
        strip_all(huge, "image/png")
    png = tagged_png()
    with pytest.raises(ValidationFailed, match="truncated"):
        strip_all(png[:8] + struct.pack(">I4s", 1 << 30, b"IDAT") + bytes(100), "image/png")


def test_other_types_are_refused_on_media_type() -> None:
    for media_type in ("application/pdf", "video/mp4", "image/webp", "image/gif", ""):
        assert not can_strip(media_type)
        with pytest.raises(ValidationFailed, match="cannot be removed") as error:
            stripped(iter([b"x"]), media_type)
        assert field_of(error) == "media_type"
    assert can_strip("image/jpeg") and can_strip("IMAGE/PNG; q=1") and can_strip("image/jpg")


def test_memory_stays_bounded_for_a_large_file() -> None:
    big_chunk = bytes(MiB)

    def huge_png() -> Iterator[bytes]:
        # 64 MiB of image data and 64 MiB of a dropped private chunk, built as it is read.
        yield tagged_png()[:33]
        for kind in (b"IDAT", b"prVt"):
            yield struct.pack(">I4s", 64 * MiB, kind)
            yield from (big_chunk for _ in range(64))
            yield b"\x00" * 4
        yield struct.pack(">I4sI", 0, b"IEND", zlib.crc32(b"IEND"))

    tracemalloc.start()
    try:
        total = sum(len(piece) for piece in stripped(huge_png(), "image/png"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 33 + 8 + 64 * MiB + 4 + 12
    assert peak < 8 * MiB


def test_input_is_read_to_the_end_so_blob_damage_surfaces() -> None:
    class Damaged(Exception):
        pass

    def blob() -> Iterator[bytes]:
        yield camera_jpeg()
        raise Damaged  # what BlobStore.open raises after the last chunk of a damaged blob

    with pytest.raises(Damaged):
        b"".join(stripped(blob(), "image/jpeg"))


@settings(max_examples=300, deadline=None)
@given(
    media_type=st.sampled_from(["image/jpeg", "image/png"]),
    cut=st.integers(min_value=0, max_value=5000),
    flips=st.lists(st.integers(min_value=0, max_value=5000), max_size=4),
    chunk=st.integers(min_value=1, max_value=700),
)
def test_damaged_input_gives_a_copy_or_a_file_error(
    media_type: str, cut: int, flips: list[int], chunk: int
) -> None:
    data = bytearray((camera_jpeg() if media_type == "image/jpeg" else tagged_png())[:cut])
    for at in flips:
        if at < len(data):
            data[at] ^= 0xA5
    try:
        strip_all(bytes(data), media_type, chunk)
    except ValidationFailed as exc:
        assert exc.errors[0].field == "file"
