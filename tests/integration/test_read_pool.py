"""The read pool sends each one-statement read and nothing else (one round trip per read), serves
waiting reads in order, and the web process keeps the collector off its startup objects.

asyncpg's pool resets a connection on release with a query of its own (``pg_advisory_unlock_all();
CLOSE ALL; UNLISTEN *; RESET ALL``), a second round trip for every read; the read pool releases
its connections as they are (``storage.db._keep_session``). What the connection really sends is
seen with asyncpg's query logger, below the statement hooks ``counted_statements`` listens to.
"""

from __future__ import annotations

import asyncio
import gc
import itertools

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import Integer, bindparam, select

from api.app import create_app
from core.settings import Settings
from storage.db import ReadDatabase
from storage.repositories.reads import CompiledRead

pytestmark = pytest.mark.asyncio

_READ = CompiledRead(lambda: select(bindparam("n", type_=Integer) + 1))


async def test_a_read_sends_its_statement_and_no_reset_query_on_release(settings: Settings) -> None:
    reads = await ReadDatabase.open(settings.database, pool_size=1)
    sent: list[str] = []
    try:
        # Given the pool's one connection reports every query it sends
        async with reads.pool.acquire() as conn:
            conn.add_query_logger(lambda logged: sent.append(logged.query))
        sent.clear()
        # When three reads run on it
        answers = [await reads.fetch_row(_READ, n=n) for n in range(3)]
        # Then it sent the three statements, nothing between them
        assert answers == [(1,), (2,), (3,)]
        assert sent == [_READ.bind({"n": 0})[0]] * 3
    finally:
        await reads.close()


async def test_a_transaction_left_open_on_a_read_connection_is_still_rolled_back(settings: Settings) -> None:
    reads = await ReadDatabase.open(settings.database, pool_size=1)
    try:
        # Given code that opened a transaction on a read connection and released it
        async with reads.pool.acquire() as conn:
            await conn.execute("BEGIN")
        # Then the next read runs outside any transaction (asyncpg rolls back before the reset hook)
        async with reads.pool.acquire() as conn:
            assert not conn.is_in_transaction()
        assert await reads.fetch_row(_READ, n=41) == (42,)
    finally:
        await reads.close()


async def test_reads_waiting_for_a_connection_are_served_in_the_order_they_asked(settings: Settings) -> None:
    reads = await ReadDatabase.open(settings.database, pool_size=1)
    tickets, served = itertools.count(), []

    async def read() -> None:
        ticket = next(tickets)  # fetch_row asks for a turn before it first waits
        await reads.fetch_row(_READ, n=ticket)
        served.append(ticket)

    try:
        # Given one connection, and a new caller in every loop iteration (requests arriving under load)
        callers = []
        while len(served) < 50:
            callers.append(asyncio.create_task(read()))
            await asyncio.sleep(0)
        await asyncio.gather(*callers)
        # Then every read was served in the order it asked: none overtaken by a later one
        assert len(served) > 50
        assert served == sorted(served)
    finally:
        await reads.close()


async def test_the_web_process_freezes_what_startup_built_out_of_the_collectors_sight(settings: Settings) -> None:
    # When the app has started (its lifespan ran)
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/health/live")).status_code == 200
        # Then the objects startup built are frozen: a full collection does not walk them
        assert gc.get_freeze_count() > 100_000
