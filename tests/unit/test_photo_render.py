"""Profile photo rendering: crop, orientation, metadata, and what is refused (pipelines.photo_render)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import InvalidMedia
from pipelines.photo_render import (
    ALBUM_COVER_IMAGE,
    PROFILE_SIZE,
    PROFILE_THUMB_SIZE,
    ImageHeader,
    inspect_image,
    render_profile_photo,
    render_square,
    sniff_image_format,
)
from tests.photos import BLUE, RED, colour_at, has_metadata, phone_jpeg, png_bomb, png_bytes


def _size(jpeg: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image.size


def _code(call) -> str:  # noqa: ANN001
    with pytest.raises(InvalidMedia) as caught:
        call()
    return caught.value.error_code


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0rest", "JPEG"),
        (b"\x89PNG\r\n\x1a\nrest", "PNG"),
        (b"GIF89a....", "GIF"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WEBP"),
        (b"II*\x00", None),  # TIFF: an image, but not one we decode
        (b"%PDF-1.7", None),
        (b"hello, I am a text file", None),
        (b"", None),
    ],
)
def test_sniff_knows_the_allowed_formats_only(head: bytes, expected: str | None) -> None:
    assert sniff_image_format(head) == expected


# --- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [
        # (colour at left-middle, right-middle, top-middle, bottom-middle) of the upright square
        (1, {"top": "red", "bottom": "blue"}),
        (3, {"top": "blue", "bottom": "red"}),
        (6, {"left": "blue", "right": "red"}),
        (8, {"left": "red", "right": "blue"}),
    ],
)
def test_exif_orientation_is_applied(orientation: int, expected: dict[str, str]) -> None:
    out = render_profile_photo(phone_jpeg(800, 400, orientation=orientation))
    probes = {"left": (60, 200), "right": (340, 200), "top": (200, 60), "bottom": (200, 340)}
    assert {side: colour_at(out.main, *probes[side]) for side in expected} == expected


def test_outputs_are_square_jpegs_of_the_profile_sizes() -> None:
    out = render_profile_photo(phone_jpeg(1000, 300))
    assert _size(out.main) == (PROFILE_SIZE, PROFILE_SIZE)
    assert _size(out.thumb) == (PROFILE_THUMB_SIZE, PROFILE_THUMB_SIZE)


def test_a_small_image_is_still_rendered_at_full_size() -> None:
    out = render_profile_photo(png_bytes(40, 30))
    assert _size(out.main) == (PROFILE_SIZE, PROFILE_SIZE)


def test_the_crop_keeps_the_centre() -> None:
    # Red bands left and right, blue in the middle third: the square crop is all blue.
    image = Image.new("RGB", (1200, 400), RED)
    image.paste(BLUE, (400, 0, 800, 400))
    source = io.BytesIO()
    image.save(source, "PNG")
    out = render_profile_photo(source.getvalue())
    corners = [(5, 5), (394, 5), (5, 394), (394, 394), (200, 200)]
    assert {colour_at(out.main, x, y) for x, y in corners} == {"blue"}


def test_every_piece_of_metadata_is_stripped() -> None:
    source = phone_jpeg()
    assert {"exif", "comment", "CadenzaCam"} <= set(has_metadata(source))  # the test's own premise
    out = render_profile_photo(source)
    assert has_metadata(out.main) == []
    assert has_metadata(out.thumb) == []


def test_transparency_is_flattened_onto_white() -> None:
    out = render_profile_photo(png_bytes(100, 100, RED, mode="RGBA"))  # half-transparent red
    r, g, b = Image.open(io.BytesIO(out.main)).getpixel((200, 200))
    assert r > 240 and 100 < g < 160 and 100 < b < 160


def test_sixteen_bit_greyscale_is_scaled_not_clipped() -> None:
    source = io.BytesIO()
    Image.new("I;16", (50, 50), 32768).save(source, "PNG")
    r, g, b = Image.open(io.BytesIO(render_profile_photo(source.getvalue()).main)).getpixel((200, 200))
    assert 110 < r < 145 and r == g == b


# --- refusals ---------------------------------------------------------------------------------


def test_a_text_file_is_not_an_image() -> None:
    assert _code(lambda: render_profile_photo(b"just some notes\n" * 20)) == "not_an_image"
    assert _code(lambda: inspect_image(b"just some notes\n", complete=True)) == "not_an_image"


def test_a_truncated_jpeg_is_corrupt() -> None:
    assert _code(lambda: render_profile_photo(phone_jpeg()[:1500])) == "corrupt_image"


@pytest.mark.parametrize(("width", "height"), [(8_000, 8_000), (30_000, 30_000), (1_000_000, 60)])
def test_too_many_pixels_are_refused_from_the_header_before_decoding(width: int, height: int) -> None:
    bomb = png_bomb(width, height)
    assert _code(lambda: render_profile_photo(bomb)) == "image_too_large"
    # The first KiB (the header, no pixel data) is enough to refuse it: nothing is decoded.
    assert _code(lambda: inspect_image(bomb[:1024], complete=False)) == "image_too_large"


# --- inspecting the first bytes of an upload --------------------------------------------------


def test_inspect_reads_the_size_from_the_first_bytes() -> None:
    jpeg = phone_jpeg(800, 400)
    assert inspect_image(jpeg[:4096], complete=False) == ImageHeader("JPEG", 800, 400)
    assert inspect_image(png_bytes(30, 20), complete=True) == ImageHeader("PNG", 30, 20)


def test_inspect_leaves_an_undecidable_prefix_to_the_worker() -> None:
    assert inspect_image(phone_jpeg()[:40], complete=False) is None
    assert _code(lambda: inspect_image(phone_jpeg()[:40], complete=True)) == "not_an_image"


def test_album_covers_are_larger_squares_and_take_no_gif() -> None:
    out = render_square(png_bytes(1600, 900), ALBUM_COVER_IMAGE)
    assert (_size(out.main), _size(out.thumb)) == ((1200, 1200), (300, 300))
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert _code(lambda: inspect_image(gif.getvalue(), complete=True, spec=ALBUM_COVER_IMAGE)) == "not_an_image"
    assert _code(lambda: render_square(gif.getvalue(), ALBUM_COVER_IMAGE)) == "not_an_image"
    assert inspect_image(gif.getvalue(), complete=True) == ImageHeader("GIF", 10, 10)  # profile photos may
