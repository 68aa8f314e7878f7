"""Issue 11 item 2, the safety net: a step whose message was published long ago and never led
to a claim (dead-lettered, lost) is published again by the reaper; a recent one is left alone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import utcnow
from storage.models.jobs import JobStep
from tests.integration.jobs_support import new_job, pending, publish_all
from workers.reaper import Reaper


async def test_a_step_published_long_ago_and_never_claimed_is_published_again(
    sessions: async_sessionmaker[AsyncSession], reaper: Reaper
) -> None:
    # Given two jobs whose probe messages were published: one three hours ago, one just now
    lost, waiting = await new_job(sessions), await new_job(sessions)
    await publish_all(sessions)
    async with sessions.begin() as session:
        stmt = update(JobStep).where(JobStep.job_id == lost, JobStep.name == "probe")
        await session.execute(stmt.values(enqueued_at=utcnow() - dt.timedelta(hours=3)))

    # When the reaper looks for stale queued steps
    done = await reaper.republish_stale()

    # Then only the old one gets a new outbox row, once
    assert [(r.task, r.subject) for r in done if r.subject in (str(lost), str(waiting))] == [("probe", str(lost))]
    assert (await pending(sessions, lost, "probe"), await pending(sessions, waiting, "probe")) == (1, 0)
    await reaper.republish_stale()
    assert await pending(sessions, lost, "probe") == 1
