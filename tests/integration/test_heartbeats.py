"""Worker heartbeats in a real Redis: what the reaper and the admin API read."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from core.worker_settings import WorkerSettings
from storage.heartbeats import WorkerHeartbeat, heartbeat_key, live_workers, read_heartbeats
from tests.databases import private_redis_db
from workers.heartbeat_writer import HeartbeatThread
from workers.inflight import InFlight


@pytest.fixture(scope="module")
def heartbeat_redis_url(redis_url: str) -> Iterator[str]:
    with private_redis_db(redis_url) as url:
        yield url


@pytest.fixture
async def redis(heartbeat_redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(heartbeat_redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


async def test_a_worker_beats_with_its_running_steps_and_removes_its_key_when_it_stops(
    redis: Redis, heartbeat_redis_url: str
) -> None:
    # Given a worker process running one step
    inflight = InFlight()
    entry = inflight.begin("job-1", "render")
    thread = HeartbeatThread(
        heartbeat_redis_url,
        WorkerSettings(heartbeat_interval_seconds=1, heartbeat_timeout_seconds=3),
        ("transcode",),
        inflight,
    )
    thread.start()
    try:
        # Then it is listed among the live workers, with its step, and its key expires on its own
        (beat,) = await _wait_for_workers(redis, 1)
        assert (beat.worker, beat.queues, beat.stopping) == (thread.worker, ("transcode",), False)
        assert [(s.job_id, s.step) for s in beat.current] == [("job-1", "render")]
        assert 0 < await redis.ttl(heartbeat_key(thread.worker)) <= 3

        # When the step ends and the worker starts stopping, the next beat says so
        inflight.end(entry)
        inflight.mark_stopping()
        thread.beat_now()
        deadline = time.monotonic() + 5
        while (beat := (await read_heartbeats(redis, [thread.worker]))[thread.worker]).current:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert (beat.processed, beat.stopping) == (1, True)
    finally:
        thread.stop()
    # Then its key is gone at once
    assert await live_workers(redis) == []


async def _wait_for_workers(redis: Redis, count: int, timeout: float = 5.0) -> list[WorkerHeartbeat]:
    deadline = time.monotonic() + timeout
    while len(workers := await live_workers(redis)) < count:
        assert time.monotonic() < deadline, workers
        await asyncio.sleep(0.05)
    return workers
