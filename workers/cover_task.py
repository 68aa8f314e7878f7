"""Queue ``images``: render an album cover uploaded through ``PUT /api/v1/albums/{id}/cover``.

The same contract as the profile photo (``workers.photo_task``): the message (``jobs.tasks.CoverArgs``)
names the album, the upload and the album's ``cover_updated_at`` when it was accepted. An upload is
*current* while the album's cover is ``processing`` with that same timestamp; a newer upload, a
removal or the album's deletion changes that. Outputs (``cover.jpg``, ``cover_thumb.jpg``) and
``cover_key`` are written only for the current upload and only under the album's row lock, so a
late older upload never replaces a newer cover and a redelivered message finds nothing to do. The
served cover stays until the new one is written: a bad image fails (``cover_status`` ``failed``
with its error code) and leaves it.
"""

from __future__ import annotations

import asyncio
import logging

from core.errors import InvalidMedia, NotFound
from core.ids import utcnow
from core.transient import is_data_error
from jobs.tasks import ALBUM_COVER, CoverArgs, enqueue
from pipelines.photo_render import ALBUM_COVER_IMAGE, SquareImages, render_square
from storage.models.library import Album
from storage.objects.keys import album_cover_upload_key, album_key
from storage.repositories.library import LibraryRepository
from workers.photo_task import put_jpeg
from workers.runtime import WorkerContext, get_context
from workers.workdirs import workdir

log = logging.getLogger("cadenza.worker")


class CoverUpload(CoverArgs, frozen=True):
    @property
    def key(self) -> str:
        return album_cover_upload_key(self.album_id, self.upload_id)

    def is_current(self, album: Album | None) -> bool:
        return album is not None and album.cover_status == "processing" and album.cover_updated_at == self.token


async def album_cover(args: CoverArgs) -> None:
    """The handler: render the upload, or record why it cannot be, or retry a transient fault."""
    ctx = await get_context()
    upload = CoverUpload(args.album_id, args.upload_id, args.token, args.attempt)
    async with ctx.sessions() as session:
        current = upload.is_current(await LibraryRepository(session).get(Album, upload.album_id))
    if not current:
        log.info("album cover upload superseded or done", extra={"album_id": str(upload.album_id)})
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


async def _render(ctx: WorkerContext, upload: CoverUpload) -> SquareImages:
    with workdir(f"cover-{upload.album_id}") as tmp:
        original = tmp / "original"
        try:
            await ctx.store.get_to_file(upload.key, original)
        except NotFound:
            raise InvalidMedia("the uploaded cover is no longer stored", error_code="cover_missing") from None
        return await asyncio.to_thread(render_square, original, ALBUM_COVER_IMAGE)


async def _settle(
    ctx: WorkerContext, upload: CoverUpload, *, images: SquareImages | None = None, error_code: str | None = None
) -> None:
    """Write the outputs and the outcome, under the row lock, if the upload is still current."""
    async with ctx.sessions.begin() as session:
        album = await LibraryRepository(session).get(Album, upload.album_id, for_update=True)
        current = upload.is_current(album)
        if current and album is not None:
            if images is not None:
                await put_jpeg(ctx, album_key(album.id, "cover.jpg"), images.main)
                await put_jpeg(ctx, album_key(album.id, "cover_thumb.jpg"), images.thumb)
                album.cover_key = album_key(album.id, "cover.jpg")
                album.cover_status, album.cover_error_code = "ready", None
            else:
                album.cover_status, album.cover_error_code = "failed", error_code
    await ctx.store.delete(upload.key)
    log.info(
        "album cover settled" if current else "album cover upload superseded while rendering",
        extra={"album_id": str(upload.album_id), "ok": images is not None, "error_code": error_code},
    )


async def _retry_or_fail(ctx: WorkerContext, upload: CoverUpload, exc: Exception) -> None:
    # A data error (SQLSTATE class 22/23) fails the same way again: no retry.
    retry = upload.attempt + 1 < ALBUM_COVER.max_attempts and not is_data_error(exc)
    log.warning(
        "album cover failed",
        extra={"album_id": str(upload.album_id), "error": f"{type(exc).__name__}: {exc}", "will_retry": retry},
    )
    if not retry:
        await _settle(ctx, upload, error_code="processing_failed")
        return
    again = CoverArgs(upload.album_id, upload.upload_id, upload.token, upload.attempt + 1)
    async with ctx.sessions.begin() as session:
        enqueue(session, ALBUM_COVER, again, available_at=ALBUM_COVER.backoff.due(again.attempt, utcnow()))
