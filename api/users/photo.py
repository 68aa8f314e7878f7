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

from api.context import AppContext
from api.recordings.quota import admit_photo_upload
from api.uploads import FormBody, FormLimits, StreamingForm
from api.uploads.images import image_check
from core.errors import NotFound
from core.ids import new_id, utcnow
from jobs.tasks import PROFILE_PHOTO, PhotoArgs, enqueue
from pipelines.photo_render import MAX_PHOTO_BYTES
from storage.models.users import User
from storage.objects.keys import user_key, user_photo_upload_key
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

    async def upload(self, body: FormBody, user: User) -> User:
        """Store the uploaded photo and queue its rendering; returns the user, now ``processing``."""
        limits = FormLimits(MAX_PHOTO_BYTES, FORM_OVERHEAD_BYTES, DRAIN_LIMIT_BYTES, what="photo")
        form = StreamingForm(body, self.ctx.store, limits)
        return await form.receive(lambda: self._upload(form, user))

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

    async def _upload(self, form: StreamingForm, user: User) -> User:
        form.refuse_declared_oversize()
        await admit_photo_upload(self.ctx, user)
        upload_id = new_id()
        async with form.stored(user_photo_upload_key(user.id, upload_id), image_check()):
            return await self._queue(user, str(upload_id))

    async def _queue(self, user: User, upload_id: str) -> User:
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            target = await UserRepository(session).get_for_update(user.id)
            if target is None:
                raise NotFound("no such user", error_code="user_not_found")
            target.photo_status = PHOTO_PROCESSING
            target.photo_error_code = None
            target.photo_updated_at = now
            enqueue(session, PROFILE_PHOTO, PhotoArgs(user_id=user.id, upload_id=upload_id, token=now))
        log.info("profile photo accepted", extra={"user_id": str(user.id)})
        return target

