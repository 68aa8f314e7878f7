"""Notice when the broker lost its data, and publish again what was waiting in it.

The relay keeps a marker key in Redis. Redis restarted without persistence, failed over to an
empty replica or was flushed: the marker is gone, and so is every message that was waiting in a
queue. The watcher then sets a new marker and gives every published but untaken piece of work
(pipeline steps, profile photos, mails) a new outbox row (``jobs.recovery``); the relay publishes
those as usual. At the relay's first start the marker is missing too, so unclaimed work is
published once more then: harmless, as a queued step is claimed by one message only and the
other tasks are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.redis_keys import BROKER_MARKER_KEY
from core.transient import TRANSIENT_ERRORS
from jobs.recovery import republish_unclaimed

log = logging.getLogger("cadenza.relay")


class BrokerWatch:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], redis: Redis, interval: float) -> None:
        self.sessions = sessions
        self.redis = redis
        self.interval = interval

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check_once()
            except TRANSIENT_ERRORS as exc:
                log.warning("broker check skipped", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    async def check_once(self) -> int:
        """Republish unclaimed work if the marker is gone; returns how many messages were republished."""
        if await self.redis.exists(BROKER_MARKER_KEY):
            return 0
        # The marker first: a message published after this point is covered by the next loss.
        await self.redis.set(BROKER_MARKER_KEY, uuid.uuid4().hex)
        async with self.sessions.begin() as session:
            lost = await republish_unclaimed(session)
        if lost:
            log.warning(
                "broker data lost or new: unclaimed work published again",
                extra={"count": len(lost), "tasks": sorted({r.task for r in lost})},
            )
        return len(lost)
