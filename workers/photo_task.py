"""Queue ``images``: render a profile photo uploaded through ``PUT /api/v1/users/me/photo``.

The message (``jobs.tasks.PhotoArgs``) names the user, the upload (its object key) and the
upload's ``photo_updated_at``.
An upload is *current* while the user's photo is ``processing`` with that same timestamp; a newer
upload or a removal changes it. Outputs are written only for the current upload and only under
the user's row lock, so an older upload finishing late can never replace a newer photo, and a
redelivered message finds nothing to do. The previous ``profile.jpg`` stays until the new one is
written: a bad upload fails (``photo_status`` ``failed`` with its error code) without losing it.
Heartbeats, hand-back on SIGTERM and the outbox bookkeeping are ``workers.task_runner``'s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from core.errors import InvalidMedia, NotFound
from core.ids import utcnow
from core.transient import is_data_error
from jobs.tasks import PROFILE_PHOTO, PhotoArgs, enqueue
from pipelines.photo_render import SquareImages, render_profile_photo
from storage.models.users import User
from storage.objects.keys import user_key, user_photo_upload_key
from storage.repositories.users import UserRepository
from workers.events import publish
from workers.runtime import WorkerContext, get_context
from workers.workdirs import workdir

log = logging.getLogger("cadenza.worker")


class PhotoUpload(PhotoArgs, frozen=True):
    @property
    def key(self) -> str:
        return user_photo_upload_key(self.user_id, self.upload_id)

    def is_current(self, user: User | None) -> bool:
        return user is not None and user.photo_status == "processing" and user.photo_updated_at == self.token


async def profile_photo(args: PhotoArgs) -> None:
    """The handler: render the upload, or record why it cannot be, or retry a transient fault."""
    ctx = await get_context()
    upload = PhotoUpload(args.user_id, args.upload_id, args.token, args.attempt)
    async with ctx.sessions() as session:
        current = upload.is_current(await UserRepository(session).get(upload.user_id))
    if not current:
        log.info("profile photo upload superseded or done", extra={"user_id": str(upload.user_id)})
        await ctx.store.delete(upload.key)
        return
    try:
        try:
            images = await _render(ctx, upload)
        except InvalidMedia as exc:
            await _settle(ctx, upload, error_code=exc.error_code)
        else:
            await _settle(ctx, upload, images=images)
    except Exception as exc:  # noqa: BLE001 - a storage or database fault: retried through the outbox
        await _retry_or_fail(ctx, upload, exc)


async def _render(ctx: WorkerContext, upload: PhotoUpload) -> SquareImages:
    with workdir(f"photo-{upload.user_id}") as tmp:
        original = tmp / "original"
        try:
            await ctx.store.get_to_file(upload.key, original)
        except NotFound:
            raise InvalidMedia("the uploaded photo is no longer stored", error_code="photo_missing") from None
        return await asyncio.to_thread(render_profile_photo, original)


async def _settle(
    ctx: WorkerContext, upload: PhotoUpload, *, images: SquareImages | None = None, error_code: str | None = None
) -> None:
    """Write the outputs and the outcome, under the row lock, if the upload is still current."""
    async with ctx.sessions.begin() as session:
        user = await UserRepository(session).get_for_update(upload.user_id)
        current = upload.is_current(user)
        if current and user is not None:
            if images is not None:
                await put_jpeg(ctx, user_key(user.id, "profile.jpg"), images.main)
                await put_jpeg(ctx, user_key(user.id, "profile_thumb.jpg"), images.thumb)
                user.photo_status, user.photo_error_code = "ready", None
            else:
                user.photo_status, user.photo_error_code = "failed", error_code
    await ctx.store.delete(upload.key)  # the original (with its EXIF and GPS) is never kept
    if not current:
        log.info("profile photo upload superseded while rendering", extra={"user_id": str(upload.user_id)})
        return
    status = "ready" if images is not None else "failed"
    log.info(
        "profile photo settled", extra={"user_id": str(upload.user_id), "status": status, "error_code": error_code}
    )
    await publish(ctx.redis, upload.user_id, f"profile_photo.{status}", {"status": status, "error_code": error_code})


async def _retry_or_fail(ctx: WorkerContext, upload: PhotoUpload, exc: Exception) -> None:
    # A data error (SQLSTATE class 22/23) fails the same way again: no retry.
    retry = upload.attempt + 1 < PROFILE_PHOTO.max_attempts and not is_data_error(exc)
    log.warning(
        "profile photo failed",
        extra={"user_id": str(upload.user_id), "error": f"{type(exc).__name__}: {exc}", "will_retry": retry},
    )
    if not retry:
        await _settle(ctx, upload, error_code="processing_failed")
        return
    again = PhotoArgs(upload.user_id, upload.upload_id, upload.token, upload.attempt + 1)
    async with ctx.sessions.begin() as session:
        enqueue(session, PROFILE_PHOTO, again, available_at=PROFILE_PHOTO.backoff.due(again.attempt, utcnow()))


async def put_jpeg(ctx: WorkerContext, key: str, data: bytes) -> None:
    """Store one rendered JPEG (shared with ``workers.cover_task``)."""

    async def once() -> AsyncIterator[bytes]:
        yield data

    await ctx.store.put_stream(key, once(), content_type="image/jpeg")
