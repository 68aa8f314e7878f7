"""Image uploads (profile photos, album covers): refuse on sight what is no accepted image.

The first bytes are checked before anything is stored: magic bytes, and the dimensions from the
header, so a decompression bomb is refused here (422 ``image_too_large``) without decoding it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from api.uploads.multipart import PartStart
from core.errors import ValidationFailed
from pipelines.photo_render import HEAD_BYTES, PROFILE_PHOTO, SquareSpec, inspect_image

ImageCheck = Callable[[PartStart, AsyncIterator[bytes]], Awaitable[tuple[AsyncIterator[bytes], str]]]


def image_check(spec: SquareSpec = PROFILE_PHOTO) -> ImageCheck:
    """A ``StreamingForm.stored`` preparer that lets through only images of ``spec``'s formats."""

    async def check(part: PartStart, chunks: AsyncIterator[bytes]) -> tuple[AsyncIterator[bytes], str]:
        head, complete = await _read_head(chunks)
        if not head:
            raise ValidationFailed("the uploaded file is empty", error_code="empty_upload")
        header = inspect_image(head, complete=complete, spec=spec)
        return _prepend(head, chunks), _content_type(header.format if header else None)

    return check


def _content_type(image_format: str | None) -> str:
    return {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}.get(
        image_format or "", "application/octet-stream"
    )


async def _read_head(chunks: AsyncIterator[bytes]) -> tuple[bytes, bool]:
    """Up to ``HEAD_BYTES`` (more if one chunk overshoots), and whether that was the whole file."""
    head = bytearray()
    async for chunk in chunks:
        head += chunk
        if len(head) >= HEAD_BYTES:
            return bytes(head), False
    return bytes(head), True


async def _prepend(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield head
    async for chunk in rest:
        yield chunk
