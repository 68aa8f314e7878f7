"""The profile-photo actor under at-least-once delivery: redelivered, stale and failing messages."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError

from core.errors import StorageUnavailable
from core.ids import new_id, utcnow
from jobs.tasks import PROFILE_PHOTO, PhotoArgs
from storage.models import User
from storage.models.jobs import OutboxMessage
from storage.objects.keys import user_key, user_photo_upload_key
from tests.photos import BLUE, RED, colour_at, png_bytes
from workers import photo_task, runtime


@pytest.fixture
def ctx(worker_ctx: runtime.WorkerContext) -> runtime.WorkerContext:
    return worker_ctx


async def _user(ctx: runtime.WorkerContext) -> User:
    user = User(id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x")
    async with ctx.sessions.begin() as session:
        session.add(user)
    return user


async def _upload(ctx: runtime.WorkerContext, user: User, content: bytes) -> PhotoArgs:
    """What ``PUT /users/me/photo`` does: store the file, mark the photo processing; the message args."""
    upload_id, now = str(uuid.uuid4()), utcnow()

    async def once() -> AsyncIterator[bytes]:
        yield content

    await ctx.store.put_stream(user_photo_upload_key(user.id, upload_id), once(), content_type="image/png")
    async with ctx.sessions.begin() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.photo_status, row.photo_error_code, row.photo_updated_at = "processing", None, now
    return PhotoArgs(user.id, upload_id, now)


async def _state(ctx: runtime.WorkerContext, user: User) -> tuple[str | None, str | None]:
    async with ctx.sessions() as session:
        row = await session.get(User, user.id)
        assert row is not None
        return row.photo_status, row.photo_error_code


async def _profile(ctx: runtime.WorkerContext, user: User) -> bytes:
    return await ctx.store.read_head(user_key(user.id, "profile.jpg"), 10**6)


async def test_a_redelivered_message_changes_nothing(ctx: runtime.WorkerContext) -> None:
    user = await _user(ctx)
    args = await _upload(ctx, user, png_bytes(50, 50, RED))
    await photo_task.profile_photo(args)
    assert await _state(ctx, user) == ("ready", None)
    rendered = await _profile(ctx, user)
    assert await ctx.store.stat(user_photo_upload_key(user.id, args.upload_id)) is None

    await photo_task.profile_photo(args)

    assert await _state(ctx, user) == ("ready", None)
    assert await _profile(ctx, user) == rendered


async def test_an_older_upload_never_replaces_a_newer_one(ctx: runtime.WorkerContext) -> None:
    user = await _user(ctx)
    older = await _upload(ctx, user, png_bytes(50, 50, RED))
    newer = await _upload(ctx, user, png_bytes(50, 50, BLUE))

    await photo_task.profile_photo(older)  # superseded: writes nothing, removes its file
    assert await _state(ctx, user) == ("processing", None)
    assert await ctx.store.stat(user_key(user.id, "profile.jpg")) is None
    assert await ctx.store.stat(user_photo_upload_key(user.id, older.upload_id)) is None

    await photo_task.profile_photo(newer)
    assert await _state(ctx, user) == ("ready", None)
    assert colour_at(await _profile(ctx, user), 200, 200) == "blue"


async def test_a_storage_fault_is_retried_through_the_outbox_then_fails(
    ctx: runtime.WorkerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await _user(ctx)
    args = await _upload(ctx, user, png_bytes(50, 50))

    async def unavailable(*_: object, **__: object) -> None:
        raise StorageUnavailable("the store is down")

    monkeypatch.setattr(ctx.store, "get_to_file", unavailable)
    await photo_task.profile_photo(args)
    async with ctx.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.actor_name == PROFILE_PHOTO.name)
        rows = [m for m in (await session.execute(stmt)).scalars() if m.args["upload_id"] == args.upload_id]
    # The row names its arguments: the same upload, the next attempt, due after a backoff
    assert [PROFILE_PHOTO.decode(m.args) for m in rows] == [PhotoArgs(user.id, args.upload_id, args.token, attempt=1)]
    assert rows[0].available_at > utcnow()
    assert await _state(ctx, user) == ("processing", None)

    await photo_task.profile_photo(PhotoArgs(user.id, args.upload_id, args.token, PROFILE_PHOTO.max_attempts - 1))
    assert await _state(ctx, user) == ("failed", "processing_failed")


async def test_a_data_error_fails_the_photo_at_once(
    ctx: runtime.WorkerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await _user(ctx)
    args = await _upload(ctx, user, png_bytes(50, 50))

    async def refused(*_: object, **__: object) -> None:
        raise DataError("INSERT …", {}, Exception("value too long for type character varying(200)"))

    monkeypatch.setattr(ctx.store, "get_to_file", refused)
    await photo_task.profile_photo(args)
    # A class 22 error fails the same way again: failed at the first attempt, nothing retried
    assert await _state(ctx, user) == ("failed", "processing_failed")
    async with ctx.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.actor_name == PROFILE_PHOTO.name)
        assert not [m for m in (await session.execute(stmt)).scalars() if m.args["upload_id"] == args.upload_id]
