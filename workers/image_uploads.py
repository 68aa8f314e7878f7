"""Queue ``images``: the one flow of every uploaded square image (profile photos, album covers).

An upload (``ImageUpload``: its message's struct with a few methods) is *current* while its
subject's row (a user, an album) says ``processing`` with the token the message carries; a newer
upload or a removal changes the token. Outputs are written only for the current upload and only
under the subject's row lock, so an older upload finishing late can never replace a newer image,
and a redelivered message finds nothing to do. The served image stays until the new one is
written: a bad upload fails (status ``failed`` with its error code) without losing it.
Heartbeats, hand-back on SIGTERM and the outbox bookkeeping are ``workers.task_runner``'s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar, Protocol

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import InvalidMedia, NotFound
from core.ids import utcnow
from core.transient import is_data_error
from jobs.tasks import Task, enqueue
from pipelines.photo_render import SquareImages, SquareSpec, render_square
from workers.runtime import WorkerContext, get_context
from workers.workdirs import workdir

log = logging.getLogger("cadenza.worker")


class ImageUpload(Protocol):
    """What the flow needs of one kind of upload (implemented by the task's message struct)."""

    what: ClassVar[str]
    task: ClassVar[Task[Any]]
    spec: ClassVar[SquareSpec]
    #: The error code when the upload's object is gone (e.g. ``photo_missing``).
    missing_code: ClassVar[str]
    attempt: int

    @property
    def key(self) -> str: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def log_extra(self) -> dict[str, str]: ...
    async def load(self, session: AsyncSession, *, for_update: bool) -> Any | None: ...
    def is_current(self, row: Any | None) -> bool: ...
    def outputs(self, row: Any) -> tuple[str, str]: ...
    def settle(self, row: Any, error_code: str | None) -> None: ...
    def next_attempt(self) -> msgspec.Struct: ...
    async def announce(self, ctx: WorkerContext, status: str, error_code: str | None) -> None: ...


async def process(upload: ImageUpload) -> None:
    """Render the upload, or record why it cannot be, or retry a transient fault."""
    ctx = await get_context()
    async with ctx.sessions() as session:
        current = upload.is_current(await upload.load(session, for_update=False))
    if not current:
        log.info(f"{upload.what} upload superseded or done", extra=upload.log_extra)
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


async def _render(ctx: WorkerContext, upload: ImageUpload) -> SquareImages:
    with workdir(f"{upload.task.name}-{upload.subject_id}") as tmp:
        original = tmp / "original"
        try:
            await ctx.store.get_to_file(upload.key, original)
        except NotFound:
            raise InvalidMedia(f"the uploaded {upload.what} is no longer stored", error_code=upload.missing_code) from None
        return await asyncio.to_thread(render_square, original, upload.spec)


async def _settle(
    ctx: WorkerContext, upload: ImageUpload, *, images: SquareImages | None = None, error_code: str | None = None
) -> None:
    """Write the outputs and the outcome, under the row lock, if the upload is still current."""
    async with ctx.sessions.begin() as session:
        row = await upload.load(session, for_update=True)
        current = upload.is_current(row)
        if current:
            if images is not None:
                main, thumb = upload.outputs(row)
                await _put(ctx, main, images.main)
                await _put(ctx, thumb, images.thumb)
            upload.settle(row, error_code)
    await ctx.store.delete(upload.key)  # the original (with its EXIF and GPS) is never kept
    if not current:
        log.info(f"{upload.what} upload superseded while rendering", extra=upload.log_extra)
        return
    status = "ready" if images is not None else "failed"
    log.info(f"{upload.what} settled", extra={**upload.log_extra, "status": status, "error_code": error_code})
    await upload.announce(ctx, status, error_code)


async def _retry_or_fail(ctx: WorkerContext, upload: ImageUpload, exc: Exception) -> None:
    # A data error (SQLSTATE class 22/23) fails the same way again: no retry.
    retry = upload.attempt + 1 < upload.task.max_attempts and not is_data_error(exc)
    log.warning(
        f"{upload.what} failed",
        extra={**upload.log_extra, "error": f"{type(exc).__name__}: {exc}", "will_retry": retry},
    )
    if not retry:
        await _settle(ctx, upload, error_code="processing_failed")
        return
    again = upload.next_attempt()
    async with ctx.sessions.begin() as session:
        enqueue(session, upload.task, again, available_at=upload.task.backoff.due(upload.attempt + 1, utcnow()))


async def _put(ctx: WorkerContext, key: str, data: bytes) -> None:
    async def once() -> AsyncIterator[bytes]:
        yield data

    await ctx.store.put_stream(key, once(), content_type="image/jpeg")
