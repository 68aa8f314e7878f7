"""Profile photos: pure image work on bytes and local files (Pillow), no web or database.

A photo is checked twice: cheaply on its first bytes while it is uploaded (``inspect_image``:
magic bytes and the dimensions from the header, before anything is stored), then for real by the
``images`` worker (``render_profile_photo``), which refuses oversized images before decoding a
single pixel, applies the EXIF orientation and writes square JPEGs without any metadata.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from core.errors import InvalidMedia

PROFILE_SIZE: Final = 400
PROFILE_THUMB_SIZE: Final = 64
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
#: 50 megapixels: every phone camera but the 200 MP ones; a decoded RGBA frame stays under 200 MB.
MAX_PHOTO_PIXELS: Final = 50_000_000
#: Bytes of an upload inspected before it is stored; enough for the header of nearly every image
#: (a JPEG's size comes after its EXIF and ICC segments, which are at most a few 64 KiB segments).
HEAD_BYTES: Final = 256 * 1024
JPEG_QUALITY: Final = 85

#: Pillow decoders allowed to see uploads: the common web formats, nothing more exotic.
ALLOWED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF")
_FORMAT_NAMES = "JPEG, PNG, WebP or GIF"
#: What Pillow raises on a file it cannot parse or decode.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError)


@dataclass(frozen=True, slots=True)
class ImageHeader:
    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ProfileImages:
    """Encoded JPEGs: ``profile`` is PROFILE_SIZE square, ``thumb`` PROFILE_THUMB_SIZE square."""

    profile: bytes
    thumb: bytes


def not_an_image(detail: str = f"the file is not a {_FORMAT_NAMES} image") -> InvalidMedia:
    return InvalidMedia(detail, error_code="not_an_image")


def image_too_large(width: int, height: int, max_pixels: int) -> InvalidMedia:
    return InvalidMedia(
        f"the image is {width}x{height} pixels; at most {max_pixels:,} pixels are accepted",
        error_code="image_too_large",
    )


def _bomb(max_pixels: int) -> InvalidMedia:
    """Pillow's own decompression-bomb guard fired (far past our limit): same answer, same code."""
    return InvalidMedia(f"the image has more than {max_pixels:,} pixels", error_code="image_too_large")


def sniff_image_format(head: bytes) -> str | None:
    """The Pillow format name for an allowed image's magic bytes, else ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def inspect_image(head: bytes, *, complete: bool, max_pixels: int = MAX_PHOTO_PIXELS) -> ImageHeader | None:
    """Check the first bytes of an upload without decoding any pixels.

    Args:
        head: the first bytes of the file (all of it when ``complete``).
        complete: whether ``head`` is the whole file.

    Returns:
        The header, or ``None`` when ``head`` is a prefix too short to hold it (the worker decides).

    Raises:
        InvalidMedia: ``not_an_image`` or ``image_too_large``.
    """
    if sniff_image_format(head) is None:
        raise not_an_image()
    try:
        with Image.open(io.BytesIO(head), formats=ALLOWED_FORMATS) as image:
            header = ImageHeader(image.format or "", image.width, image.height)
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except _DECODE_ERRORS:
        if complete:
            raise not_an_image("the file is not a readable image") from None
        return None
    _check_pixels(header.width, header.height, max_pixels)
    return header


def render_profile_photo(source: Path | bytes, *, max_pixels: int = MAX_PHOTO_PIXELS) -> ProfileImages:
    """Upright, centre-cropped profile photo and thumbnail, as JPEGs with no metadata at all.

    Raises:
        InvalidMedia: ``not_an_image``, ``image_too_large`` (checked from the header, before
            decoding) or ``corrupt_image`` (the pixels cannot be decoded).
    """
    fp = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        image = Image.open(fp, formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except _DECODE_ERRORS:
        raise not_an_image() from None
    with image:
        _check_pixels(image.width, image.height, max_pixels)
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 48 MP photo never needs its full size here.
        image.draft(None, (PROFILE_SIZE, PROFILE_SIZE))
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = _to_srgb(upright)
        except Image.DecompressionBombError:
            raise _bomb(max_pixels) from None
        except _DECODE_ERRORS as exc:
            raise InvalidMedia(f"the image cannot be decoded ({exc})", error_code="corrupt_image") from None
    profile = ImageOps.fit(rgb, (PROFILE_SIZE, PROFILE_SIZE), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    thumb = profile.resize((PROFILE_THUMB_SIZE, PROFILE_THUMB_SIZE), Image.Resampling.LANCZOS)
    return ProfileImages(profile=encode_jpeg(profile), thumb=encode_jpeg(thumb))


def encode_jpeg(image: Image.Image) -> bytes:
    """Encode RGB pixels only: a fresh image carries no EXIF, GPS, XMP, ICC or comment."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise not_an_image("the image has no pixels")
    if width * height > max_pixels:
        raise image_too_large(width, height, max_pixels)


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB in sRGB: colour profiles applied (then dropped), transparency flattened onto white."""
    icc = image.info.get("icc_profile")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if icc and image.mode in ("RGB", "CMYK", "L"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: show the pixels as they are rather than refuse the photo
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits; a plain conversion would clip it to white.
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB")
