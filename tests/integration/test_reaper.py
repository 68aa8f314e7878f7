"""The reaper's decisions on a real database and Redis: what is lost, requeue and worker_lost.

A database and Redis database of this module's own: a running stack's relay would otherwise
reap (or publish) the claims these tests make up.
"""

from __future__ import annotations

import datetime as dt
import uuid

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import utcnow
from jobs.plans import MEDIA_PLAN
from storage.heartbeats import RunningStep, WorkerHeartbeat, heartbeat_key
from storage.models import Job, Recording
from tests.integration.jobs_support import REAPER_SETTINGS as SETTINGS
from tests.integration.jobs_support import Clock
from tests.integration.jobs_support import claim as _claim
from tests.integration.jobs_support import lost_probe as _lost_probe
from tests.integration.jobs_support import mine as _mine
from tests.integration.jobs_support import new_job as _new_job
from tests.integration.jobs_support import pending as _pending
from tests.integration.jobs_support import steps as _steps
from workers.reaper import Reaper


async def _beat(redis: Redis, worker: str, *running: tuple[uuid.UUID, str], at: dt.datetime | None = None) -> None:
    now = at or utcnow()
    beat = WorkerHeartbeat(
        worker=worker,
        host=worker.split(":")[0],
        pid=int(worker.split(":")[1]),
        queues=("ingest",),
        started_at=now - dt.timedelta(hours=1),
        beat_at=now,
        processed=0,
        stopping=False,
        current=tuple(RunningStep(job_id=str(j), step=s, since=now) for j, s in running),
    )
    await redis.set(heartbeat_key(worker), beat.to_json(), ex=SETTINGS.heartbeat_timeout_seconds)


async def test_a_step_whose_worker_fell_silent_is_requeued_with_its_attempt_counted(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a probe claimed by a worker that has no heartbeat, five minutes ago
    job_id = await _lost_probe(sessions, w1, published=True)

    # When the reaper first sees the heartbeat absent: not yet (Redis may just have lost its keys)
    assert _mine(await reaper.reap_once(), job_id) == []
    clock.now += reaper.confirm_seconds - 0.1
    assert _mine(await reaper.reap_once(), job_id) == []

    # Then, once it has stayed absent long enough, the step goes back to its queue
    clock.now += 0.1
    reaped = _mine(await reaper.reap_once(), job_id)
    assert [(r.claim.job_id, r.claim.step, r.requeued) for r in reaped] == [(job_id, "probe", True)]
    probe = (await _steps(sessions, job_id))["probe"]
    assert (probe.state, probe.attempts, probe.error_code) == ("queued", 1, "worker_lost")
    assert await _pending(sessions, job_id, "probe") == 1
    # And a second round finds nothing more to do
    assert _mine(await reaper.reap_once(), job_id) == []
    assert await _pending(sessions, job_id, "probe") == 1


async def test_after_its_last_attempt_the_step_fails_with_worker_lost_and_the_owner_is_still_told(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a probe on its last attempt whose worker died
    job_id = await _lost_probe(sessions, w1, published=True, attempts=MEDIA_PLAN.step("probe").max_attempts)

    # When the reaper confirms the worker is gone
    await reaper.reap_once()
    clock.now += reaper.confirm_seconds
    reaped = _mine(await reaper.reap_once(), job_id)

    # Then the step fails like any final failure: unstarted media steps skipped, notify sent
    assert [r.requeued for r in reaped] == [False]
    steps = await _steps(sessions, job_id)
    assert {name: s.state for name, s in steps.items()} == {
        "probe": "failed",
        "render": "skipped",
        "thumbnails": "skipped",
        "finalize": "skipped",
        "notify": "queued",
    }
    assert steps["probe"].error_code == "worker_lost"
    assert await _pending(sessions, job_id, "notify") == 1
    assert await _pending(sessions, job_id, "probe") == 0
    async with sessions() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        recording = await session.get(Recording, job.recording_id)
    assert recording is not None and (recording.status, recording.error_code) == ("failed", "worker_lost")


async def test_a_worker_still_reporting_the_step_keeps_it(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _lost_probe(sessions, w1)
    await _beat(redis, w1, (job_id, "probe"))
    for _ in range(3):
        assert _mine(await reaper.reap_once(), job_id) == []
        clock.now += reaper.confirm_seconds
    assert (await _steps(sessions, job_id))["probe"].state == "running"


async def test_a_live_worker_that_no_longer_runs_the_step_loses_it(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, reaper: Reaper, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a worker that beats after the claim but does not list it (its outcome never committed)
    job_id = await _lost_probe(sessions, w1)
    await _beat(redis, w1)

    # Then the step is requeued at once: no need to wait for a heartbeat to expire
    assert [r.claim.step for r in _mine(await reaper.reap_once(), job_id)] == ["probe"]
    assert (await _steps(sessions, job_id))["probe"].state == "queued"


async def test_a_heartbeat_older_than_the_claim_does_not_condemn_it(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, reaper: Reaper, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # A beat written before the worker took the step cannot list it yet
    job_id = await _lost_probe(sessions, w1)
    await _beat(redis, w1, at=utcnow() - dt.timedelta(minutes=6))
    assert _mine(await reaper.reap_once(), job_id) == []


async def test_a_recent_claim_is_left_alone_even_without_a_heartbeat(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)  # started just now: its first beat may be on its way
    for _ in range(3):
        assert _mine(await reaper.reap_once(), job_id) == []
        clock.now += reaper.confirm_seconds
    assert (await _steps(sessions, job_id))["probe"].state == "running"


async def test_heartbeats_lost_by_redis_and_written_again_do_not_get_a_step_reaped(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _lost_probe(sessions, w1)
    # Given Redis lost its keys: the reaper sees the heartbeat absent for a moment
    assert _mine(await reaper.reap_once(), job_id) == []
    clock.now += reaper.confirm_seconds / 2
    # When the live worker writes its next beat, then the key is lost again
    await _beat(redis, w1, (job_id, "probe"))
    assert _mine(await reaper.reap_once(), job_id) == []
    await redis.flushdb()
    clock.now += reaper.confirm_seconds / 2
    # Then the absence is counted afresh from there
    assert _mine(await reaper.reap_once(), job_id) == []
    assert (await _steps(sessions, job_id))["probe"].state == "running"
