"""The reaper's decisions on a real database and Redis: requeue, worker_lost, and late results.

A database and Redis database of this module's own: a running stack's relay would otherwise
reap (or publish) the claims these tests make up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from core.worker_settings import WorkerSettings
from pipelines.plans import MEDIA_PLAN
from storage.heartbeats import RunningStep, WorkerHeartbeat, heartbeat_key
from storage.job_tracker import claim_step, complete_step, fail_step, hand_back_step
from storage.models import Job, JobStep, Recording
from tests.integration.jobs_support import claim as _claim
from tests.integration.jobs_support import new_job as _new_job
from tests.integration.jobs_support import pending as _pending
from tests.integration.jobs_support import publish_all as _publish_all
from workers.reaper import Reaped, Reaper

SETTINGS = WorkerSettings(heartbeat_interval_seconds=1, heartbeat_timeout_seconds=2)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def w() -> tuple[str, str]:
    """Two worker ids of this test's own (claims of earlier tests stay in the module's database)."""
    return f"host-a:{new_id().int % 10**6}", f"host-b:{new_id().int % 10**6}"


def _mine(reaped: list[Reaped], job_id: uuid.UUID) -> list[Reaped]:
    return [r for r in reaped if r.claim.job_id == job_id]


@pytest.fixture
def reaper(sessions: async_sessionmaker[AsyncSession], redis: Redis, clock: Clock) -> Reaper:
    return Reaper(sessions, redis, SETTINGS, clock=clock)


async def _age(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, step: str, **values: object) -> None:
    """Move the claim back in time (and set other columns), as if it had been running a while."""
    async with sessions.begin() as session:
        stmt = update(JobStep).where(JobStep.job_id == job_id, JobStep.name == step)
        await session.execute(stmt.values(started_at=utcnow() - dt.timedelta(minutes=5), **values))


async def _steps(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> dict[str, JobStep]:
    async with sessions() as session:
        rows = (await session.execute(select(JobStep).where(JobStep.job_id == job_id))).scalars().all()
    return {s.name: s for s in rows}


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
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")

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
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe", attempts=MEDIA_PLAN.step("probe").max_attempts)

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
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
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
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
    await _beat(redis, w1)

    # Then the step is requeued at once: no need to wait for a heartbeat to expire
    assert [r.claim.step for r in _mine(await reaper.reap_once(), job_id)] == ["probe"]
    assert (await _steps(sessions, job_id))["probe"].state == "queued"


async def test_a_heartbeat_older_than_the_claim_does_not_condemn_it(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, reaper: Reaper, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # A beat written before the worker took the step cannot list it yet
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
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
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
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


async def test_a_slow_worker_finishing_after_the_reaper_completes_the_step_once(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a probe reaped from a worker that was only slow
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
    await reaper.reap_once()
    clock.now += reaper.confirm_seconds
    assert len(_mine(await reaper.reap_once(), job_id)) == 1

    # When the slow worker finishes after all: its result is taken, once
    async with sessions.begin() as session:
        assert (await complete_step(session, job_id, "probe")).applied
    # Then the requeued message finds nothing to do, and the next steps are sent exactly once
    async with sessions.begin() as session:
        assert await claim_step(session, job_id, "probe", worker=w2) is None
    steps = await _steps(sessions, job_id)
    assert (steps["probe"].state, steps["probe"].attempts) == ("succeeded", 1)
    assert (await _pending(sessions, job_id, "render"), await _pending(sessions, job_id, "thumbnails")) == (1, 1)


async def test_a_step_taken_over_by_another_worker_finishes_once_whoever_finishes_first(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a probe reaped from w1 and claimed again by w2
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    first = await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
    await reaper.reap_once()
    clock.now += reaper.confirm_seconds
    await reaper.reap_once()
    second = await _claim(sessions, job_id, "probe", w2)
    assert (first, second) == (1, 2)

    # When w1's late failure arrives: it no longer holds the step, so it changes nothing
    async with sessions.begin() as session:
        outcome = await fail_step(
            session, job_id, "probe", error_code="not_media", error_message="late", worker=w1, attempt=first
        )
    assert not outcome.applied
    assert (await _steps(sessions, job_id))["probe"].state == "running"
    # When w1's success arrives after all, it wins; w2's own success is then a no-op
    async with sessions.begin() as session:
        assert (await complete_step(session, job_id, "probe")).applied
    async with sessions.begin() as session:
        assert not (await complete_step(session, job_id, "probe")).applied
    # And w2's failure cannot undo the success
    async with sessions.begin() as session:
        outcome = await fail_step(
            session, job_id, "probe", error_code="x", error_message="y", worker=w2, attempt=second
        )
    assert not outcome.applied
    assert (await _steps(sessions, job_id))["probe"].state == "succeeded"
    assert await _pending(sessions, job_id, "render") == 1


async def test_a_step_that_failed_for_good_stays_failed_when_a_late_success_arrives(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _new_job(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe", attempts=3)
    await reaper.reap_once()
    clock.now += reaper.confirm_seconds
    await reaper.reap_once()
    async with sessions.begin() as session:
        assert not (await complete_step(session, job_id, "probe")).applied
    assert (await _steps(sessions, job_id))["probe"].state == "failed"
    assert await _pending(sessions, job_id, "render") == 0


async def test_two_reapers_reap_a_lost_step_once(
    sessions: async_sessionmaker[AsyncSession], redis: Redis, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    await _claim(sessions, job_id, "probe", w1)
    await _age(sessions, job_id, "probe")
    reapers = [Reaper(sessions, redis, SETTINGS, clock=clock) for _ in range(2)]
    await asyncio.gather(*(r.reap_once() for r in reapers))
    clock.now += reapers[0].confirm_seconds
    results = await asyncio.gather(*(r.reap_once() for r in reapers))
    assert sum(len(_mine(r, job_id)) for r in results) == 1
    assert await _pending(sessions, job_id, "probe") == 1


async def test_a_step_handed_back_at_shutdown_is_queued_at_once_without_spending_an_attempt(
    sessions: async_sessionmaker[AsyncSession], w: tuple[str, str]
) -> None:
    w1, w2 = w
    job_id = await _new_job(sessions)
    await _publish_all(sessions)
    attempt = await _claim(sessions, job_id, "probe", w1)
    async with sessions.begin() as session:
        assert await hand_back_step(session, job_id, "probe", worker=w1, attempt=attempt) is not None
    probe = (await _steps(sessions, job_id))["probe"]
    assert (probe.state, probe.attempts) == ("queued", 0)
    assert await _pending(sessions, job_id, "probe") == 1
    # A claim that no longer holds the step cannot hand it back twice
    async with sessions.begin() as session:
        assert await hand_back_step(session, job_id, "probe", worker=w1, attempt=attempt) is None
    assert await _pending(sessions, job_id, "probe") == 1
