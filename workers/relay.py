"""The outbox relay: ``python -m workers.relay``.

Publishes committed outbox rows to the broker and marks them sent, and runs the reaper
(``workers.reaper``) and the sweeper (``workers.sweeper``) beside it. Woken at once by the outbox
trigger's NOTIFY, with a poll as the safety net (a missed notification, a row due later). While
Redis is down a batch fails, its transaction rolls back and the rows stay pending: nothing is
dropped, and publishing resumes by itself. Several relays may run (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

import asyncpg
import dramatiq
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import utcnow
from core.logging import configure_logging
from core.settings import load_settings
from core.transient import TRANSIENT_ERRORS
from storage.db import create_engine, create_session_factory
from storage.models.jobs import OutboxMessage
from storage.repositories.outbox import OutboxRepository
from workers.broker import build_broker
from workers.broker_watch import BrokerWatch
from workers.reaper import Reaper
from workers.sweeper import Sweeper

log = logging.getLogger("cadenza.relay")

BATCH_SIZE = 100
POLL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 5.0


class Relay:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], broker: dramatiq.Broker, dsn: str) -> None:
        self.sessions = sessions
        self.broker = broker
        self.dsn = dsn
        self.wake = asyncio.Event()
        self.published = 0

    async def run(self, stop: asyncio.Event) -> None:
        listener = asyncio.create_task(self._listen(stop))
        backoff = 0.0
        try:
            while not stop.is_set():
                # Cleared before the batch reads the outbox, not after: a NOTIFY that arrives
                # while the batch publishes then leaves the event set and the next wait returns
                # at once. Clearing it later lost that wake-up and left the row to the poll.
                self.wake.clear()
                try:
                    sent = await self.publish_batch()
                    backoff = 0.0
                except TRANSIENT_ERRORS as exc:
                    backoff = min(MAX_BACKOFF_SECONDS, max(0.25, backoff * 2))
                    log.warning(
                        "publishing failed; rows stay pending", extra={"error": type(exc).__name__, "retry_in": backoff}
                    )
                    await _sleep_or_stop(stop, backoff)
                    continue
                if sent < BATCH_SIZE:
                    await self._wait(stop)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def publish_batch(self) -> int:
        async with self.sessions.begin() as session:
            outbox = OutboxRepository(session)
            rows = await outbox.claim_due(BATCH_SIZE)
            if not rows:
                return 0
            messages = [_message(row) for row in rows]
            # The broker client is synchronous; keep the event loop free while it talks to Redis.
            await asyncio.to_thread(lambda: [self.broker.enqueue(m) for m in messages])
            await outbox.mark_sent([row.id for row in rows], utcnow())
        self.published += len(rows)
        log.info("published", extra={"count": len(rows), "queues": sorted({r.queue_name for r in rows})})
        return len(rows)

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.create_task(self.wake.wait()), asyncio.create_task(stop.wait())]
        await asyncio.wait(waiters, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def _listen(self, stop: asyncio.Event) -> None:
        """Hold a LISTEN connection, reconnecting after PostgreSQL restarts."""
        while not stop.is_set():
            conn = None
            try:
                conn = await asyncpg.connect(self.dsn, timeout=5)
                await conn.add_listener("outbox", lambda *_: self.wake.set())
                self.wake.set()  # rows may have arrived while we were not listening
                while not stop.is_set() and not conn.is_closed():
                    await _sleep_or_stop(stop, 1.0)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("outbox listener disconnected", extra={"error": type(exc).__name__})
                await _sleep_or_stop(stop, 1.0)
            finally:
                if conn is not None and not conn.is_closed():
                    await conn.close()


def _message(row: OutboxMessage) -> dramatiq.Message:
    # The task's arguments by name (``jobs.tasks``); a list only in rows of older versions.
    named = isinstance(row.args, dict)
    return dramatiq.Message(
        queue_name=row.queue_name,
        actor_name=row.actor_name,
        args=() if named else tuple(row.args),
        kwargs=row.args if named else {},
        options={},
        message_id=str(row.message_id),
        message_timestamp=int(time.time() * 1000),
    )


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, process="relay")
    broker = build_broker(settings, with_workers=False)
    engine = create_engine(settings.database, pool_size=2)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    dsn = settings.database.url.replace("postgresql+asyncpg://", "postgresql://", 1)
    sessions = create_session_factory(engine)
    redis = Redis.from_url(settings.redis.url, socket_connect_timeout=2, socket_timeout=5)
    log.info("relay started")
    try:
        await asyncio.gather(
            Relay(sessions, broker, dsn).run(stop),
            Reaper(sessions, redis, settings.workers).run(stop),
            BrokerWatch(sessions, redis, POLL_SECONDS).run(stop),
            Sweeper(sessions, settings).run(stop),
        )
    finally:
        await redis.aclose()
        await engine.dispose()
        broker.close()
        log.info("relay stopped")


if __name__ == "__main__":
    asyncio.run(main())
