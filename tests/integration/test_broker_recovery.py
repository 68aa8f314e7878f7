"""Redis lost its data: steps, photos and mails published but not taken are published again, once."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from core.redis_keys import BROKER_MARKER_KEY as MARKER_KEY
from jobs.tasks import PROFILE_PHOTO, SEND_MAIL, MailArgs, PhotoArgs, Task, enqueue, mark_taken
from storage.models.jobs import OutboxMessage
from tests.integration.jobs_support import claim, new_job, pending, publish_all
from workers.broker_watch import BrokerWatch


async def test_published_unclaimed_steps_are_published_again_when_the_marker_is_gone(
    sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    watch = BrokerWatch(sessions, redis, interval=1)
    # Given a job whose probe was published (the relay sent its row) but never claimed
    job_id = await new_job(sessions)
    await publish_all(sessions)
    assert await pending(sessions, job_id, "probe") == 0

    # When the watcher finds no marker (Redis restarted empty)
    assert await watch.check_once() >= 1

    # Then the probe has a new pending row, and a marker is set so the next round does nothing
    assert await pending(sessions, job_id, "probe") == 1
    assert await redis.exists(MARKER_KEY)
    assert await watch.check_once() == 0
    assert await pending(sessions, job_id, "probe") == 1


async def test_claimed_and_unpublished_steps_are_left_alone(
    sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    watch = BrokerWatch(sessions, redis, interval=1)
    waiting = await new_job(sessions)  # its probe row is still pending: the relay has it
    running = await new_job(sessions)
    await publish_all(sessions)
    await claim(sessions, running, "probe", "host-a:1")
    unpublished = await new_job(sessions)

    await redis.delete(MARKER_KEY)
    await watch.check_once()

    assert await pending(sessions, running, "probe") == 0  # running: its worker has it
    assert await pending(sessions, unpublished, "probe") == 1  # only its original row
    assert await pending(sessions, waiting, "probe") == 1  # republished once (it was sent)


async def _task_row(sessions: async_sessionmaker[AsyncSession], task: Task[Any], args: Any) -> None:
    async with sessions.begin() as session:
        enqueue(session, task, args)


async def _rows(sessions: async_sessionmaker[AsyncSession], task: Task[Any], args: Any) -> list[OutboxMessage]:
    async with sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.actor_name == task.name).order_by(OutboxMessage.id)
        return [r for r in (await session.execute(stmt)).scalars() if r.args == task.encode(args)]


async def test_published_untaken_photo_and_mail_tasks_are_published_again_once(
    sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    watch = BrokerWatch(sessions, redis, interval=1)
    photo = PhotoArgs(new_id(), "upload-1", utcnow())
    mail, taken_mail = MailArgs("verify_email", new_id().hex), MailArgs("verify_email", new_id().hex)
    # Given a photo and two mails published by the relay, one of which a worker took
    for task, args in ((PROFILE_PHOTO, photo), (SEND_MAIL, mail), (SEND_MAIL, taken_mail)):
        await _task_row(sessions, task, args)
    await publish_all(sessions)
    async with sessions.begin() as session:
        await mark_taken(session, SEND_MAIL, taken_mail)

    # When Redis comes back empty
    await redis.delete(MARKER_KEY)
    assert await watch.check_once() >= 2  # with the steps of earlier tests' jobs

    # Then the untaken photo and mail each have one new pending row with the same arguments,
    # the old rows count as replaced, and the taken mail is left alone
    for task, args in ((PROFILE_PHOTO, photo), (SEND_MAIL, mail)):
        old, new = await _rows(sessions, task, args)
        assert old.taken_at is not None and (new.sent_at, new.taken_at) == (None, None)
        assert task.decode(new.args) == args
    assert len(await _rows(sessions, SEND_MAIL, taken_mail)) == 1
    assert await watch.check_once() == 0
