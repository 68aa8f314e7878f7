"""Profile-photo and mail tasks share the steps' liveness: they show in the worker's heartbeat,
mark their outbox row taken, and are handed back (a new row, due now) when the worker stops."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select, update

from api.auth.mailed_tokens import issue_mailed_token
from core.account_tokens import VERIFY_EMAIL
from core.ids import new_id, utcnow
from core.settings import Settings
from core.worker_settings import WorkerSettings
from jobs.lifecycle import create_job
from jobs.plans import MEDIA_PLAN
from jobs.tasks import PROFILE_PHOTO, SEND_MAIL, MailArgs, PhotoArgs, Task, enqueue
from storage.heartbeats import read_heartbeats
from storage.models import JobStep, Recording, User
from storage.models.jobs import OutboxMessage
from storage.models.users import AccountToken
from storage.objects.keys import user_photo_upload_key
from tests.photos import png_bytes
from workers import mail_task, photo_task, runtime, task_runner
from workers.heartbeat_writer import HeartbeatThread
from workers.inflight import InFlight
from workers.steps import run_step


@pytest.fixture
def ctx(worker_ctx: runtime.WorkerContext) -> runtime.WorkerContext:
    return worker_ctx


@pytest.fixture
def inflight(monkeypatch: pytest.MonkeyPatch) -> InFlight:
    """This test's own registry of running work (a hand-back marks a registry for good)."""
    registry = InFlight()
    monkeypatch.setattr(task_runner, "IN_FLIGHT", registry)
    return registry


@pytest.fixture
async def heartbeat(settings: Settings, inflight: InFlight) -> AsyncIterator[HeartbeatThread]:
    thread = HeartbeatThread(
        settings.redis.url, WorkerSettings(heartbeat_interval_seconds=1, heartbeat_timeout_seconds=3), ("x",), inflight
    )
    thread.start()
    yield thread
    await asyncio.to_thread(thread.stop)


async def _user(ctx: runtime.WorkerContext) -> User:
    user = User(id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x")
    async with ctx.sessions.begin() as session:
        session.add(user)
    return user


async def _photo_upload(ctx: runtime.WorkerContext) -> PhotoArgs:
    """What ``PUT /users/me/photo`` does: the file stored, the photo processing, the outbox row."""
    user, upload_id, now = await _user(ctx), str(uuid.uuid4()), utcnow()

    async def once() -> AsyncIterator[bytes]:
        yield png_bytes(40, 40)

    await ctx.store.put_stream(user_photo_upload_key(user.id, upload_id), once(), content_type="image/png")
    args = PhotoArgs(user.id, upload_id, now)
    async with ctx.sessions.begin() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.photo_status, row.photo_updated_at = "processing", now
        enqueue(session, PROFILE_PHOTO, args)
    return args


async def _verification_mail(ctx: runtime.WorkerContext) -> MailArgs:
    """What registration does: a verification token and its ``send_mail`` outbox row."""
    user = await _user(ctx)
    async with ctx.sessions.begin() as session:
        await issue_mailed_token(session, ctx.settings.auth.secret_key, user, VERIFY_EMAIL)
    async with ctx.sessions() as session:
        token = (await session.execute(select(AccountToken).where(AccountToken.user_id == user.id))).scalar_one()
    return MailArgs(kind=VERIFY_EMAIL, ref=str(token.id))  # the row's arguments: the token's row id


async def _rows(ctx: runtime.WorkerContext, task: Task[Any], args: Any) -> list[OutboxMessage]:
    async with ctx.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.actor_name == task.name).order_by(OutboxMessage.id)
        return [r for r in (await session.execute(stmt)).scalars() if r.args == task.encode(args)]


async def _publish(ctx: runtime.WorkerContext, rows: list[OutboxMessage]) -> None:
    async with ctx.sessions.begin() as session:
        stmt = update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
        await session.execute(stmt.values(sent_at=utcnow()))


async def _listed(redis: Redis, worker: str, subject: str, task: str) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        beat = (await read_heartbeats(redis, [worker])).get(worker)
        if beat is not None and beat.runs(subject, task):
            return True
        await asyncio.sleep(0.1)
    return False


def _blocking(started: asyncio.Event) -> Callable[..., Awaitable[Any]]:
    async def block(*_: object, **__: object) -> Any:
        started.set()
        await asyncio.Event().wait()  # until the hand-back cancels it

    return block


@pytest.mark.parametrize("kind", ["profile_photo", "send_mail"])
async def test_a_running_task_is_in_the_heartbeat_and_is_handed_back_on_shutdown(
    kind: str,
    ctx: runtime.WorkerContext,
    inflight: InFlight,
    heartbeat: HeartbeatThread,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a published task message whose handler is busy (the store or SMTP is slow)
    started = asyncio.Event()
    if kind == "profile_photo":
        task, handler, args = PROFILE_PHOTO, photo_task.profile_photo, await _photo_upload(ctx)
        monkeypatch.setattr(ctx.store, "get_to_file", _blocking(started))
    else:
        task, handler, args = SEND_MAIL, mail_task.send_mail, await _verification_mail(ctx)
        monkeypatch.setattr(mail_task, "deliver", _blocking(started))
    await _publish(ctx, await _rows(ctx, task, args))
    running = asyncio.create_task(task_runner.run_task(task, args, handler))
    await asyncio.wait_for(started.wait(), 10)

    # Then the worker's heartbeat lists it, and its outbox row is marked taken
    redis = Redis.from_url(ctx.settings.redis.url)
    try:
        assert await _listed(redis, heartbeat.worker, task.subject(args), task.name)
    finally:
        await redis.aclose()
    (original,) = await _rows(ctx, task, args)
    assert original.taken_at is not None

    # When the worker stops and the grace period is over (what GracefulShutdown's timer does)
    assert await asyncio.to_thread(inflight.hand_back_all) == 1
    await asyncio.wait_for(running, 10)

    # Then the task is queued again at once, same arguments (the attempt not spent), and no longer runs
    rows = await _rows(ctx, task, args)
    assert [r.id for r in rows][0] == original.id and len(rows) == 2
    again = rows[1]
    assert again.sent_at is None and again.taken_at is None and again.available_at <= utcnow()
    assert task.decode(again.args) == args
    assert inflight.count() == 0


async def test_a_redis_error_inside_a_step_is_a_transient_failure_retried_with_backoff(
    ctx: runtime.WorkerContext,
) -> None:
    # Given a job whose probe meets a Redis blip (e.g. publishing a live event)
    owner = await _user(ctx)
    recording = Recording(
        id=new_id(), owner_id=owner.id, title="Etude", status="processing", original_key="k", size_bytes=1
    )
    async with ctx.sessions.begin() as session:
        session.add(recording)
        await session.flush()
        job = await create_job(session, recording, MEDIA_PLAN)

    async def redis_blip(*_: object) -> None:
        raise RedisConnectionError("Connection reset by peer")

    # When the step runs
    await run_step("probe", str(job.id), redis_blip)

    # Then it is queued again after a backoff, as a transient failure (not an internal error)
    async with ctx.sessions() as session:
        stmt = select(JobStep).where(JobStep.job_id == job.id, JobStep.name == "probe")
        step = (await session.execute(stmt)).scalar_one()
        # Sent or not: a relay of another test may share this database and publish the first row.
        rows_stmt = select(OutboxMessage).where(OutboxMessage.actor_name == "probe").order_by(OutboxMessage.available_at)
        rows = [r for r in (await session.execute(rows_stmt)).scalars() if r.args == {"job_id": str(job.id)}]
    assert (step.state, step.error_code, step.attempts) == ("queued", "transient_failure", 1)
    assert len(rows) == 2  # the first message (not sent here) and the retry
    assert rows[-1].available_at > utcnow()
