"""The reaper, run by the relay: a step whose worker is gone goes back to its queue.

Every ``HEARTBEAT_INTERVAL_SECONDS`` it looks at the steps that have been ``running`` for longer
than ``HEARTBEAT_TIMEOUT_SECONDS`` and at their workers' heartbeats (``storage.heartbeats``). A
step is lost when

- its worker's heartbeat is absent (expired: the worker has been silent for the whole timeout),
  and has stayed absent for two more intervals as seen by this reaper. A live worker rewrites
  its key every interval, so Redis losing its data (a restart without persistence) does not get
  live workers' steps reaped; or
- its worker's heartbeat was written after the step's claim and does not list the step: the
  worker is alive but no longer works on it (it could not record the outcome, e.g. the database
  was down at that moment).

A lost step is queued again at once with an outbox row, its attempt counted, or fails with
``worker_lost`` after its last attempt (``jobs.lifecycle.reap_step``). Several relays may
run: each job is locked with ``SKIP LOCKED`` and the claim re-checked under the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import utcnow
from core.transient import TRANSIENT_ERRORS
from core.worker_settings import WorkerSettings
from storage.heartbeats import WorkerHeartbeat, read_heartbeats
from jobs.lifecycle import reap_step
from jobs.recovery import Republished, republish_stale_steps
from storage.repositories.jobs import JobRepository, RunningClaim
from workers.steps import publish_outcome

log = logging.getLogger("cadenza.reaper")

#: A step ``queued`` this long after its message was published was lost on the way (dead-lettered
#: after a database outage longer than ``workers.deferral`` waits, say): it is published again.
STALE_QUEUED_SECONDS = 2 * 3600

#: Heartbeat timestamps and ``started_at`` come from the same worker clock; this absorbs rounding.
CLAIM_MARGIN = dt.timedelta(seconds=1)


def lost_reason(
    claim: RunningClaim, beat: WorkerHeartbeat | None, absent_for: float | None, *, confirm_seconds: float
) -> str | None:
    """Why the step's claim is lost, or None while its worker may still be working on it.

    Args:
        claim: a step running for longer than the heartbeat timeout.
        beat: its worker's heartbeat, None when the key is absent.
        absent_for: for how many seconds this reaper has seen the key absent (None: present).
        confirm_seconds: how long an absent key must stay absent before the step is reaped.
    """
    if beat is None:
        if absent_for is not None and absent_for >= confirm_seconds:
            return f"worker {claim.worker or '?'} stopped sending heartbeats"
        return None
    if beat.runs(str(claim.job_id), claim.step):
        return None
    if beat.beat_at > claim.started_at + CLAIM_MARGIN:
        return f"worker {claim.worker} is alive but no longer runs this step"
    return None


@dataclass(frozen=True, slots=True)
class Reaped:
    claim: RunningClaim
    requeued: bool


class Reaper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        settings: WorkerSettings,
        clock: Callable[[], float] = time.monotonic,
        stale_queued_seconds: float = STALE_QUEUED_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.stale_queued_seconds = stale_queued_seconds
        self._next_stale_check = 0.0
        self.redis = redis
        self.settings = settings
        self.clock = clock
        self.confirm_seconds = 2.0 * settings.heartbeat_interval_seconds
        #: worker id -> when this reaper first saw its heartbeat absent (clock()).
        self._absent_since: dict[str, float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.reap_once()
                if self.clock() >= self._next_stale_check:
                    # A scan of every queued step: once a minute is plenty for a two-hour bound.
                    self._next_stale_check = self.clock() + 60.0
                    await self.republish_stale()
            except TRANSIENT_ERRORS as exc:
                # Without Redis no heartbeat can be read, without PostgreSQL no step: reap nothing.
                log.warning("reaper round skipped", extra={"error": type(exc).__name__})
            except Exception:  # noqa: BLE001 - a reaper bug must not stop the relay from publishing
                log.exception("reaper round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.heartbeat_interval_seconds)

    async def reap_once(self) -> list[Reaped]:
        """One round: find lost claims and requeue or fail each. Returns what was reaped."""
        cutoff = utcnow() - dt.timedelta(seconds=self.settings.heartbeat_timeout_seconds)
        async with self.sessions() as session:
            claims = await JobRepository(session).running_started_before(cutoff)
        beats = await read_heartbeats(self.redis, {c.worker for c in claims if c.worker})
        now = self.clock()
        silent = {c.worker or "" for c in claims if c.worker not in beats}
        self._absent_since = {w: self._absent_since.get(w, now) for w in silent}
        reaped = []
        for claim in claims:
            worker = claim.worker or ""
            absent_for = now - self._absent_since[worker] if worker in self._absent_since else None
            reason = lost_reason(claim, beats.get(worker), absent_for, confirm_seconds=self.confirm_seconds)
            if reason is not None and (done := await self._reap(claim, reason)) is not None:
                reaped.append(done)
        return reaped

    async def republish_stale(self) -> list[Republished]:
        """Send again the steps published long ago and still ``queued`` (``jobs.recovery``)."""
        async with self.sessions.begin() as session:
            done = await republish_stale_steps(session, utcnow() - dt.timedelta(seconds=self.stale_queued_seconds))
        for item in done:
            log.warning("step never claimed; published again", extra={"job_id": item.subject, "step": item.task})
        return done

    async def _reap(self, claim: RunningClaim, reason: str) -> Reaped | None:
        async with self.sessions.begin() as session:
            outcome = await reap_step(
                session, claim.job_id, claim.step, worker=claim.worker or "", attempt=claim.attempt, reason=reason
            )
        if outcome is None or not outcome.applied:
            return None  # finished, handed back or reaped by another relay since we looked
        requeued = next(s for s in outcome.job.steps if s.name == claim.step).state == "queued"
        log.warning(
            "step requeued: its worker is gone"
            if requeued
            else "step failed: its worker is gone after its last attempt",
            extra={
                "job_id": str(claim.job_id),
                "step": claim.step,
                "worker": claim.worker,
                "attempt": claim.attempt,
                "max_attempts": claim.max_attempts,
                "reason": reason,
            },
        )
        await publish_outcome(self.redis, outcome, claim.step)
        return Reaped(claim=claim, requeued=requeued)
