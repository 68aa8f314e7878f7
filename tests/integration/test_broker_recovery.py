"""Redis lost its data: steps that were published but not claimed are published again, once."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.jobs_support import claim, new_job, pending, publish_all
from core.redis_keys import BROKER_MARKER_KEY as MARKER_KEY
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
