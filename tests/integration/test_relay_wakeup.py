"""The relay publishes a row whose NOTIFY arrives while it is busy publishing another batch.

The outbox trigger's NOTIFY is the relay's only prompt wake-up; the poll behind it is a safety
net. A notification that arrives mid-batch used to be cleared when the relay went back to
waiting, so that row waited for the poll: each queue hop could cost a whole poll interval. Here
the poll is an hour long, so only the NOTIFY can get the second row out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import dramatiq
import pytest
import pytest_asyncio
from dramatiq.brokers.stub import StubBroker

from core.settings import DatabaseSettings
from storage.db import create_engine, create_session_factory
from workers import relay as relay_module
from workers.relay import Relay


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _insert_row(dsn: str, queue: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO outbox (message_id, queue_name, actor_name, args, attempts) VALUES ($1, $2, 'probe', '[]', 0)",
            uuid.uuid4(),
            queue,
        )
    finally:
        await conn.close()


async def _listening(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
        return bool(await conn.fetchval(query))
    finally:
        await conn.close()


class CommitAnotherRowMidBatch(dramatiq.Middleware):
    """Commits a second outbox row while the relay enqueues the first: its NOTIFY lands mid-batch."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.inserted = False

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int | None) -> None:
        if not self.inserted:
            self.inserted = True
            asyncio.run(_insert_row(self.dsn, "second"))  # the relay's enqueue runs in a thread


@pytest_asyncio.fixture
async def outbox_dsn(reaper_database: str) -> AsyncIterator[str]:
    dsn = _dsn(reaper_database)
    yield dsn
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM outbox")
    finally:
        await conn.close()


async def test_a_notify_during_a_batch_is_not_lost(
    outbox_dsn: str, reaper_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relay_module, "POLL_SECONDS", 3600.0)
    broker = StubBroker(middleware=[])
    hook = CommitAnotherRowMidBatch(outbox_dsn)
    broker.add_middleware(hook)
    for queue in ("first", "second"):
        broker.declare_queue(queue)
    engine = create_engine(DatabaseSettings(url=reaper_database), pool_size=2)
    relay = Relay(create_session_factory(engine), broker, outbox_dsn)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        # Given the relay listening, and back to waiting after the wake-up its listener gave it
        async with asyncio.timeout(60):
            while not await _listening(outbox_dsn) or relay.wake.is_set():
                await asyncio.sleep(0.05)
        # When a row commits, and another commits while the first one's batch is being published
        await _insert_row(outbox_dsn, "first")
        # Then both are published, the second without waiting for the hour-long poll
        async with asyncio.timeout(60):  # a liveness bound, far below the poll, not a measurement
            while relay.published < 2:
                await asyncio.sleep(0.05)
        assert hook.inserted
        assert [broker.queues[q].qsize() for q in ("first", "second")] == [1, 1]
    finally:
        stop.set()
        await running
        await engine.dispose()
        broker.close()
