"""The album-cover actor under at-least-once delivery: redelivered, stale and failing messages."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from core.errors import StorageUnavailable
from core.ids import new_id, utcnow
from jobs.tasks import ALBUM_COVER, CoverArgs
from storage.models.jobs import OutboxMessage
from storage.models.library import Album
from storage.objects.keys import album_cover_upload_key, album_key
from tests.photos import BLUE, RED, colour_at, png_bytes
from workers import cover_task, runtime


@pytest.fixture
def ctx(worker_ctx: runtime.WorkerContext) -> runtime.WorkerContext:
    return worker_ctx


async def _album(ctx: runtime.WorkerContext) -> Album:
    album = Album(id=new_id(), title=f"cover worker {new_id().hex[:8]}")
    async with ctx.sessions.begin() as session:
        session.add(album)
    return album


async def _upload(ctx: runtime.WorkerContext, album: Album, content: bytes) -> CoverArgs:
    """What ``PUT /albums/{id}/cover`` does: store the file, mark the cover processing; the message args."""
    upload_id, now = str(uuid.uuid4()), utcnow()

    async def once() -> AsyncIterator[bytes]:
        yield content

    await ctx.store.put_stream(album_cover_upload_key(album.id, upload_id), once(), content_type="image/png")
    async with ctx.sessions.begin() as session:
        row = await session.get(Album, album.id)
        assert row is not None
        row.cover_status, row.cover_error_code, row.cover_updated_at = "processing", None, now
    return CoverArgs(album.id, upload_id, now)


async def _state(ctx: runtime.WorkerContext, album: Album) -> tuple[str | None, str | None, str | None]:
    async with ctx.sessions() as session:
        row = await session.get(Album, album.id)
        assert row is not None
        return row.cover_status, row.cover_error_code, row.cover_key


async def _cover(ctx: runtime.WorkerContext, album: Album) -> bytes:
    return await ctx.store.read_head(album_key(album.id, "cover.jpg"), 10**7)


async def test_a_redelivered_message_changes_nothing(ctx: runtime.WorkerContext) -> None:
    album = await _album(ctx)
    args = await _upload(ctx, album, png_bytes(50, 50, RED))
    await cover_task.album_cover(args)
    assert await _state(ctx, album) == ("ready", None, album_key(album.id, "cover.jpg"))
    rendered = await _cover(ctx, album)
    assert await ctx.store.stat(album_cover_upload_key(album.id, args.upload_id)) is None

    await cover_task.album_cover(args)

    assert await _state(ctx, album) == ("ready", None, album_key(album.id, "cover.jpg"))
    assert await _cover(ctx, album) == rendered


async def test_an_older_upload_never_replaces_a_newer_one(ctx: runtime.WorkerContext) -> None:
    album = await _album(ctx)
    older = await _upload(ctx, album, png_bytes(50, 50, RED))
    newer = await _upload(ctx, album, png_bytes(50, 50, BLUE))

    await cover_task.album_cover(older)  # superseded: writes nothing, removes its file
    assert await _state(ctx, album) == ("processing", None, None)
    assert await ctx.store.stat(album_key(album.id, "cover.jpg")) is None
    assert await ctx.store.stat(album_cover_upload_key(album.id, older.upload_id)) is None

    await cover_task.album_cover(newer)
    assert colour_at(await _cover(ctx, album), 600, 600) == "blue"


async def test_a_storage_fault_is_retried_through_the_outbox_then_fails(
    ctx: runtime.WorkerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    album = await _album(ctx)
    args = await _upload(ctx, album, png_bytes(50, 50))

    async def unavailable(*_: object, **__: object) -> None:
        raise StorageUnavailable("the store is down")

    monkeypatch.setattr(ctx.store, "get_to_file", unavailable)
    await cover_task.album_cover(args)
    async with ctx.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.actor_name == ALBUM_COVER.name)
        rows = [m for m in (await session.execute(stmt)).scalars() if m.args["upload_id"] == args.upload_id]
    assert [ALBUM_COVER.decode(m.args) for m in rows] == [CoverArgs(album.id, args.upload_id, args.token, attempt=1)]
    assert rows[0].available_at > utcnow()

    await cover_task.album_cover(CoverArgs(album.id, args.upload_id, args.token, ALBUM_COVER.max_attempts - 1))
    assert await _state(ctx, album) == ("failed", "processing_failed", None)


async def test_a_vanished_upload_is_recorded_as_missing(ctx: runtime.WorkerContext) -> None:
    album = await _album(ctx)
    args = await _upload(ctx, album, png_bytes(50, 50))
    await ctx.store.delete(album_cover_upload_key(album.id, args.upload_id))
    await cover_task.album_cover(args)
    assert await _state(ctx, album) == ("failed", "cover_missing", None)
