"""Small image files with known metadata, built with Pillow, for the metadata and strip tests."""

from __future__ import annotations

import io

from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin
from PIL.ExifTags import GPS, IFD, Base

R = TiffImagePlugin.IFDRational
SECRET_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">photographer: A. Witness</x:xmpmeta>'


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def picture(width: int = 64, height: int = 48) -> Image.Image:
    return Image.effect_noise((width, height), 60).convert("RGB")


def camera_exif(lat_ref: str = "S", lon_ref: str = "W", lat_degrees: int = 33) -> Image.Exif:
    """What a phone writes: device, local time with its offset, and a GPS fix."""
    exif = Image.Exif()
    exif[Base.Make] = "Acme"
    exif[Base.Model] = "Pocket\x00 7\x00\x00"
    exif[Base.Software] = "Camera 1.2"
    exif[Base.DateTime] = "2024:05:06 09:00:00"
    exif[Base.Orientation] = 6
    sub = exif.get_ifd(IFD.Exif)
    sub[Base.DateTimeOriginal] = "2024:05:06 07:08:09"
    sub[Base.OffsetTimeOriginal] = "-04:00"
    sub[Base.BodySerialNumber] = "SN-0042"
    sub[Base.LensModel] = "Wide 26mm"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = lat_ref
    gps[GPS.GPSLatitude] = (R(lat_degrees), R(51), R(216, 10))
    gps[GPS.GPSLongitudeRef] = lon_ref
    gps[GPS.GPSLongitude] = (R(70), R(30), R(0))
    gps[GPS.GPSAltitudeRef] = b"\x00"
    gps[GPS.GPSAltitude] = R(5205, 10)
    gps[GPS.GPSDateStamp] = "2024:05:06"
    gps[GPS.GPSTimeStamp] = (R(11), R(8), R(9))
    return exif


def camera_jpeg(exif: Image.Exif | None = None, **options: object) -> bytes:
    out = io.BytesIO()
    picture().save(
        out,
        "JPEG",
        exif=exif or camera_exif(),
        icc_profile=srgb_profile(),
        comment=b"taken near the checkpoint",
        xmp=SECRET_XMP,
        quality=90,
        **options,
    )
    return out.getvalue()


def tagged_png(after_idat: bool = False) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "A. Witness")
    info.add_itxt("Description", "market square", zip=True)
    info.add(b"tIME", bytes.fromhex("07E8050607080900"))
    info.add(b"prVt", b"private to some app", after_idat=after_idat)
    if after_idat:
        info.add(b"tEXt", b"Comment\x00written after the pixels", after_idat=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=camera_exif(), icc_profile=srgb_profile())
    return out.getvalue()
