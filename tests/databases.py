"""Private databases on the suite's PostgreSQL and Redis servers, for a session or a second stack.

A stack must not share a database with another (its relay would publish the other's outbox rows)
nor a Redis database (its workers would take the other's jobs).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import redis
from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[1]
#: Leases of Redis database indexes, kept in database 0 of the server.
_LEASE = "cadenza-test:db-lease"


@contextmanager
def private_database(like_url: str) -> Iterator[str]:
    """A new database, migrated to head, on the server of ``like_url``; dropped afterwards."""
    base = like_url.rpartition("/")[0]
    name = f"cadenza_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(base.replace("postgresql+asyncpg://", "postgresql://", 1) + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        cfg = Config(str(ROOT / "alembic.ini"))
        cfg.set_main_option("script_location", str(ROOT / "migrations"))
        cfg.attributes.update(database_url=f"{base}/{name}", configure_logger=False)
        command.upgrade(cfg, "head")
        yield f"{base}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def private_redis_db(like_url: str) -> Iterator[str]:
    """A Redis database index (1-15) of its own on the server of ``like_url``, flushed before and after.

    Each index is leased with ``SET NX`` in database 0 for as long as it is used, so sessions and
    stacks sharing one server never get the same database (their workers would take each
    other's messages). A lease left by a killed session expires after an hour.
    """
    base, _, taken = like_url.rpartition("/")
    server = redis.Redis.from_url(f"{base}/0")
    owner = uuid.uuid4().hex
    index = next(
        (i for i in range(1, 16) if str(i) != taken and server.set(f"{_LEASE}:{i}", owner, nx=True, ex=3600)),
        None,
    )
    if index is None:
        server.close()
        raise RuntimeError(f"all 15 Redis databases on {base} are leased: too many test sessions at once")
    url = f"{base}/{index}"
    db = redis.Redis.from_url(url)
    db.flushdb()
    try:
        yield url
    finally:
        db.flushdb()
        db.close()
        if server.get(f"{_LEASE}:{index}") == owner.encode():
            server.delete(f"{_LEASE}:{index}")
        server.close()
