"""Profile photo upload and removal.

``PUT /users/me/photo`` takes ``multipart/form-data`` with one ``file`` part (what a browser's
``FormData`` sends). The first bytes are checked before anything is stored (magic bytes, and the
dimensions from the header: a decompression bomb is refused here, 422 ``image_too_large``), the
file is streamed to ``users/{id}/photo_uploads/{upload}`` with ``MAX_PHOTO_BYTES`` counted while
streaming (413 ``upload_too_large``), and one transaction marks the photo ``processing`` and
writes the outbox row for the ``images`` worker. The current photo stays until the new one is
rendered.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from litestar import Request

from api.context import AppContext
from api.recordings.multipart import PartData, PartEnd, PartStart, boundary_of, iter_parts
from api.recordings.quota import admit_photo_upload
from api.uploads import receive_upload
from core.errors import BadRequest, NotFound, PayloadTooLarge, ValidationFailed
from core.ids import new_id, utcnow
from pipelines.images import HEAD_BYTES, MAX_PHOTO_BYTES, PROFILE_PHOTO_ACTOR, PROFILE_PHOTO_QUEUE, inspect_image
from storage.models.users import User
from storage.objects.keys import user_key, user_photo_upload_key
from storage.repositories.outbox import OutboxRepository
from storage.repositories.users import UserRepository

log = logging.getLogger("cadenza.users")

PHOTO_PROCESSING = "processing"
#: Room for the multipart envelope around the file.
FORM_OVERHEAD_BYTES = 16 * 1024
#: After refusing a photo, read (and drop) at most this much more so the client sees the answer.
DRAIN_LIMIT_BYTES = 2 * MAX_PHOTO_BYTES


class PhotoService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def upload(self, request: Request, user: User) -> User:
        """Store the uploaded photo and queue its rendering; returns the user, now ``processing``."""
        return await receive_upload(
            request, lambda body: self._upload(request, body, user), drain_limit=DRAIN_LIMIT_BYTES
        )

    async def delete(self, user: User) -> User:
        """Remove the photo; an upload still being rendered is dropped by its worker."""
        async with self.ctx.sessions.begin() as session:
            target = await UserRepository(session).get_for_update(user.id)
            if target is None:
                raise NotFound("no such user", error_code="user_not_found")
            target.photo_status = None
            target.photo_error_code = None
            # A new value tells a worker still busy with an older upload that it is stale.
            target.photo_updated_at = utcnow()
            # Under the row lock, where the worker writes: once unlocked, a newer photo may be there.
            for name in ("profile.jpg", "profile_thumb.jpg"):
                await self.ctx.store.delete(user_key(user.id, name))
        log.info("profile photo removed", extra={"user_id": str(user.id)})
        return target

    async def _upload(self, request: Request, body: AsyncIterator[bytes], user: User) -> User:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES:
            raise _too_large()
        await admit_photo_upload(self.ctx, user)
        boundary = boundary_of(request.headers.get("content-type"))
        upload_id = new_id()
        key = user_photo_upload_key(user.id, upload_id)
        stored = False
        try:
            events = iter_parts(body, boundary, max_body_bytes=MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES)
            size = None
            async for event in events:
                if not isinstance(event, PartStart):
                    continue
                if event.name != "file" or size is not None:
                    raise ValidationFailed(
                        "send exactly one part, the image in the field 'file'", error_code="one_file_expected"
                    )
                chunks = _file_chunks(events)
                head, complete = await _read_head(chunks)
                if not head:
                    raise ValidationFailed("the uploaded file is empty", error_code="empty_upload")
                header = inspect_image(head, complete=complete)
                stored = True
                size = await self.ctx.store.put_stream(
                    key,
                    _prepend(head, chunks),
                    content_type=_content_type(header.format if header else None),
                    max_bytes=MAX_PHOTO_BYTES,
                )
            if size is None:
                raise ValidationFailed("the form has no 'file' part", error_code="file_required")
            return await self._queue(user, str(upload_id))
        except BaseException:
            if stored:
                await self.ctx.store.delete(key)
            raise

    async def _queue(self, user: User, upload_id: str) -> User:
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            target = await UserRepository(session).get_for_update(user.id)
            if target is None:
                raise NotFound("no such user", error_code="user_not_found")
            target.photo_status = PHOTO_PROCESSING
            target.photo_error_code = None
            target.photo_updated_at = now
            OutboxRepository(session).add(
                queue_name=PROFILE_PHOTO_QUEUE,
                actor_name=PROFILE_PHOTO_ACTOR,
                args=[str(user.id), upload_id, now.isoformat(), 0],
            )
        log.info("profile photo accepted", extra={"user_id": str(user.id)})
        return target


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the photo is larger than the limit of {MAX_PHOTO_BYTES} bytes", error_code="upload_too_large"
    )


def _content_type(image_format: str | None) -> str:
    return {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}.get(
        image_format or "", "application/octet-stream"
    )


async def _file_chunks(events: AsyncIterator[object]) -> AsyncIterator[bytes]:
    """The bytes of the current part; a body that ends inside the part is an error."""
    async for event in events:
        if isinstance(event, PartData):
            yield event.data
        elif isinstance(event, PartEnd):
            return
    raise BadRequest("the upload ended before the file was complete", error_code="upload_incomplete")


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
