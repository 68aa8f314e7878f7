"""``PUT`` and ``DELETE /api/v1/albums/{id}/cover``: an album's cover, as profile photos work.

The upload is checked on its first bytes (``api.uploads.images``: JPEG, PNG or WebP; a
decompression bomb is refused from its header), streamed to ``albums/{id}/cover_uploads/{upload}``
with ``MAX_PHOTO_BYTES`` counted while streaming (413), and one transaction marks the cover
``processing`` and writes the outbox row for the ``images`` worker (``workers.cover_task``). The
served cover stays until the new one is rendered; a bad image leaves it, with ``cover_status``
``failed`` and its ``cover_error_code``.
"""

from __future__ import annotations

import logging
import uuid

from api.authz.library import CatalogueAction
from api.context import AppContext
from api.library.writes import locked_entry
from api.recordings.quota import admit_photo_upload
from api.uploads import FormBody, FormLimits, StreamingForm
from api.uploads.images import image_check
from api.users.photo import DRAIN_LIMIT_BYTES, FORM_OVERHEAD_BYTES
from core.ids import new_id, utcnow
from jobs.tasks import ALBUM_COVER, CoverArgs, enqueue
from pipelines.photo_render import ALBUM_COVER_IMAGE, MAX_PHOTO_BYTES
from storage.models.library import Album
from storage.models.users import User
from storage.objects.keys import album_cover_upload_key, album_key
from storage.objects.base import ObjectStore

log = logging.getLogger("cadenza.library")

_CHECK = image_check(ALBUM_COVER_IMAGE)


class AlbumCoverService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def upload(self, body: FormBody, caller: User, album_id: uuid.UUID) -> None:
        """Store the uploaded cover and queue its rendering (the album's cover is then ``processing``)."""
        limits = FormLimits(MAX_PHOTO_BYTES, FORM_OVERHEAD_BYTES, DRAIN_LIMIT_BYTES, what="cover")
        form = StreamingForm(body, self.ctx.store, limits)
        await form.receive(lambda: self._upload(form, caller, album_id))

    async def delete(self, caller: User, album_id: uuid.UUID) -> None:
        """Remove the cover; an upload still being rendered is dropped by its worker."""
        async with self.ctx.sessions.begin() as session:
            album = await locked_entry(session, Album, album_id, caller, CatalogueAction.UPDATE)
            album.cover_key = album.cover_status = album.cover_error_code = None
            # A new value tells a worker still busy with an older upload that it is stale.
            album.cover_updated_at = utcnow()
            # Under the row lock, where the worker writes: once unlocked, a newer cover may be there.
            await delete_cover_objects(self.ctx.store, album_id)
        log.info("album cover removed", extra={"album_id": str(album_id)})

    async def _upload(self, form: StreamingForm, caller: User, album_id: uuid.UUID) -> None:
        form.refuse_declared_oversize()
        # Authorized before a byte is stored; checked again under the lock when it is queued.
        async with self.ctx.sessions() as session:
            await locked_entry(session, Album, album_id, caller, CatalogueAction.UPDATE)
        await admit_photo_upload(self.ctx, caller)
        upload_id = new_id()
        async with form.stored(album_cover_upload_key(album_id, upload_id), _CHECK):
            await self._queue(caller, album_id, str(upload_id))

    async def _queue(self, caller: User, album_id: uuid.UUID, upload_id: str) -> None:
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            album = await locked_entry(session, Album, album_id, caller, CatalogueAction.UPDATE)
            album.cover_status, album.cover_error_code, album.cover_updated_at = "processing", None, now
            enqueue(session, ALBUM_COVER, CoverArgs(album_id=album_id, upload_id=upload_id, token=now))
        log.info("album cover accepted", extra={"album_id": str(album_id)})


async def delete_cover_objects(store: ObjectStore, album_id: uuid.UUID) -> None:
    """The rendered cover and thumbnail (uploads awaiting the worker are the worker's to remove)."""
    for name in ("cover.jpg", "cover_thumb.jpg"):
        await store.delete(album_key(album_id, name))
