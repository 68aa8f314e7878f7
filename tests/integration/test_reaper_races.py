"""Races around a reaped step, on a real database and Redis: late results, two reapers, hand-back.

A database and Redis database of this module's own: a running stack's relay would otherwise
reap (or publish) the claims these tests make up.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.lifecycle import claim_step, complete_step, fail_step, hand_back_step
from tests.integration.jobs_support import REAPER_SETTINGS as SETTINGS
from tests.integration.jobs_support import Clock
from tests.integration.jobs_support import age as _age
from tests.integration.jobs_support import claim as _claim
from tests.integration.jobs_support import lost_probe as _lost_probe
from tests.integration.jobs_support import mine as _mine
from tests.integration.jobs_support import new_job as _new_job
from tests.integration.jobs_support import pending as _pending
from tests.integration.jobs_support import publish_all as _publish_all
from tests.integration.jobs_support import steps as _steps
from workers.reaper import Reaper


async def test_a_slow_worker_finishing_after_the_reaper_completes_the_step_once(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper, clock: Clock, w: tuple[str, str]
) -> None:
    w1, w2 = w
    # Given a probe reaped from a worker that was only slow
    job_id = await _lost_probe(sessions, w1, published=True)
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
    job_id = await _lost_probe(sessions, w1, attempts=3)
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
    job_id = await _lost_probe(sessions, w1, published=True)
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
