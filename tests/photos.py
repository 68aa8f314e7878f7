"""Test photos, generated with Pillow (nothing binary is committed)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GPS = {1: "N", 2: (52.0, 22.0, 30.0), 3: "E", 4: (4.0, 53.0, 10.0)}


def phone_jpeg(width: int = 800, height: int = 400, *, orientation: int = 6) -> bytes:
    """A landscape-stored JPEG as a phone writes a portrait shot: red top half, blue bottom half,
    EXIF ``Orientation`` and camera and GPS tags, and a comment.

    With orientation 6 (rotate 90° clockwise to display) the upright picture is portrait with
    the blue half on the left and the red half on the right.
    """
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (0, height // 2, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "CadenzaCam"
    exif[ExifTags.Base.Model] = "Practice Phone 3"
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif, comment=b"taken at home")
    return out.getvalue()


def png_bytes(width: int, height: int, colour: tuple[int, int, int] = RED, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour if mode == "RGB" else colour + (128,)).save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny, valid-looking PNG whose header claims ``width`` x ``height`` pixels.

    Its one compressed row is all the pixel data there is: only a decoder that trusts the header
    (and allocates for it) would notice anything more.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (width * 3 + 1), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def colour_at(jpeg: bytes, x: int, y: int) -> str:
    """``red``, ``blue`` or ``other`` for the pixel at (x, y) of a decoded JPEG."""
    r, g, b = Image.open(io.BytesIO(jpeg)).convert("RGB").getpixel((x, y))  # type: ignore[misc]
    if r > 200 and g < 60 and b < 60:
        return "red"
    if b > 200 and r < 60 and g < 60:
        return "blue"
    return "other"


def has_metadata(jpeg: bytes) -> list[str]:
    """What metadata a JPEG carries: EXIF, GPS, XMP, ICC, comments (empty when clean)."""
    image = Image.open(io.BytesIO(jpeg))
    found = [key for key in ("exif", "xmp", "icc_profile", "comment") if image.info.get(key)]
    if image.getexif():
        found.append("exif-tags")
    for marker in (b"Exif\x00\x00", b"CadenzaCam", b"http://ns.adobe.com/xap"):
        if marker in jpeg:
            found.append(marker.decode(errors="replace"))
    return found
