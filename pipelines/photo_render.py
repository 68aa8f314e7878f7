"""Uploaded images (profile photos, album covers): pure image work on bytes and local files (Pillow).

An image is checked twice: cheaply on its first bytes while it is uploaded (``inspect_image``:
magic bytes and the dimensions from the header, before anything is stored), then for real by the
``images`` worker (``render_square``), which refuses oversized images before decoding a single
pixel, applies the EXIF orientation and writes square JPEGs without any metadata. What differs
between kinds of image is data (``SquareSpec``: sizes, accepted formats), not code.
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
ALBUM_COVER_SIZE: Final = 1200
ALBUM_COVER_THUMB_SIZE: Final = 300
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
_FORMAT_LABELS: Final = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
#: What Pillow raises on a file it cannot parse or decode.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError)


@dataclass(frozen=True, slots=True)
class ImageHeader:
    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class SquareSpec:
    """One kind of uploaded image: the side of its main and thumbnail JPEGs, the formats accepted."""

    size: int
    thumb_size: int
    formats: tuple[str, ...] = ALLOWED_FORMATS

    @property
    def format_names(self) -> str:
        names = [_FORMAT_LABELS[f] for f in self.formats]
        return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


PROFILE_PHOTO: Final = SquareSpec(PROFILE_SIZE, PROFILE_THUMB_SIZE)
#: Album covers: large enough for a detail page, the thumbnail for lists; no GIF.
ALBUM_COVER_IMAGE: Final = SquareSpec(ALBUM_COVER_SIZE, ALBUM_COVER_THUMB_SIZE, ("JPEG", "PNG", "WEBP"))


@dataclass(frozen=True, slots=True)
class SquareImages:
    """Encoded JPEGs: ``main`` is the spec's ``size`` square, ``thumb`` its ``thumb_size`` square."""

    main: bytes
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


def sniff_image_format(head: bytes, formats: tuple[str, ...] = ALLOWED_FORMATS) -> str | None:
    """The Pillow format name for the magic bytes of an image in ``formats``, else ``None``."""
    found = _sniff(head)
    return found if found in formats else None


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def inspect_image(
    head: bytes, *, complete: bool, max_pixels: int = MAX_PHOTO_PIXELS, spec: SquareSpec = PROFILE_PHOTO
) -> ImageHeader | None:
    """Check the first bytes of an upload without decoding any pixels.

    Args:
        head: the first bytes of the file (all of it when ``complete``).
        complete: whether ``head`` is the whole file.

    Returns:
        The header, or ``None`` when ``head`` is a prefix too short to hold it (the worker decides).

    Raises:
        InvalidMedia: ``not_an_image`` or ``image_too_large``.
    """
    if sniff_image_format(head, spec.formats) is None:
        raise not_an_image(f"the file is not a {spec.format_names} image")
    try:
        with Image.open(io.BytesIO(head), formats=spec.formats) as image:
            header = ImageHeader(image.format or "", image.width, image.height)
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except _DECODE_ERRORS:
        if complete:
            raise not_an_image("the file is not a readable image") from None
        return None
    _check_pixels(header.width, header.height, max_pixels)
    return header


def render_profile_photo(source: Path | bytes, *, max_pixels: int = MAX_PHOTO_PIXELS) -> SquareImages:
    """Upright, centre-cropped profile photo and thumbnail (``render_square`` of ``PROFILE_PHOTO``)."""
    return render_square(source, PROFILE_PHOTO, max_pixels=max_pixels)


def render_square(source: Path | bytes, spec: SquareSpec, *, max_pixels: int = MAX_PHOTO_PIXELS) -> SquareImages:
    """Upright, centre-cropped square image and thumbnail, as JPEGs with no metadata at all.

    Raises:
        InvalidMedia: ``not_an_image``, ``image_too_large`` (checked from the header, before
            decoding) or ``corrupt_image`` (the pixels cannot be decoded).
    """
    fp = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        image = Image.open(fp, formats=spec.formats)
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except _DECODE_ERRORS:
        raise not_an_image(f"the file is not a {spec.format_names} image") from None
    with image:
        _check_pixels(image.width, image.height, max_pixels)
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 48 MP photo never needs its full size here.
        image.draft(None, (spec.size, spec.size))
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = _to_srgb(upright)
        except Image.DecompressionBombError:
            raise _bomb(max_pixels) from None
        except _DECODE_ERRORS as exc:
            raise InvalidMedia(f"the image cannot be decoded ({exc})", error_code="corrupt_image") from None
    main = ImageOps.fit(rgb, (spec.size, spec.size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    thumb = main.resize((spec.thumb_size, spec.thumb_size), Image.Resampling.LANCZOS)
    return SquareImages(main=encode_jpeg(main), thumb=encode_jpeg(thumb))


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
