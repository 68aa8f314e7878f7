"""Async engines, the session factory and the read pool, built from settings (never at import time)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.settings import DatabaseSettings

if TYPE_CHECKING:
    from storage.repositories.reads import CompiledRead

log = logging.getLogger("cadenza.reads")

#: The read pool's connections are named, so an operator (or a test) can find them in pg_stat_activity.
READ_APPLICATION_NAME = "cadenza-reads"
#: What a connection PostgreSQL ended (a restart, an idle timeout, pg_terminate_backend) raises when used.
_DEAD_CONNECTION = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    ConnectionError,
)


def create_engine(settings: DatabaseSettings, *, pool_size: int | None = None) -> AsyncEngine:
    return create_async_engine(
        settings.url,
        pool_size=pool_size or settings.pool_size,
        max_overflow=5,
        pool_pre_ping=True,  # survive a PostgreSQL restart without a failed request
        pool_recycle=1800,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Release a read connection as it is. asyncpg's default reset sends ``pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL`` on every release: a second round trip for each one-statement
    read. Reads leave nothing to undo: no locks, cursors, listeners or ``SET``; asyncpg still rolls
    back a transaction left open before calling this."""


class ReadDatabase:
    """The pool of the one-statement reads (``storage.repositories.reads``): plain asyncpg.

    SQLAlchemy compiles the statements once; running them needs no more than the driver, and its
    connection layer cost more CPU than the statement itself (checkout, greenlet, cursor, result).
    No transaction wraps a statement (a lone statement is its own snapshot: no BEGIN and ROLLBACK
    round trips), no pre-ping (a round trip per checkout; a connection found dead when used is
    replaced and the statement retried once) and no reset query on release (``_keep_session``).
    Sessions use UTC, so timestamps rendered into JSON carry ``+00:00`` whatever the server's zone.
    Connections open on demand (a web process starts while PostgreSQL is down; readiness reports
    it) and stay up to ``pool_size``.
    """

    #: Called with each statement as it is sent; the statement-count tests listen here.
    statement_hooks: ClassVar[list[Callable[[str], None]]] = []

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        #: Turns at the pool, first come first served. asyncpg's pool is not fair: a released
        #: connection goes to whoever asks in the loop iteration before the longest waiter is
        #: resumed (under load, a request just arrived), and the waiter goes back to the end of
        #: the line. That was the read path's tail: p90 three times p50 at 32 connections on a
        #: pool of 10. asyncio's semaphore serves waiters in order; a newcomer queues behind them.
        self._turns = asyncio.Semaphore(pool.get_max_size())

    @classmethod
    async def open(cls, settings: DatabaseSettings, *, pool_size: int | None = None) -> ReadDatabase:
        pool = await asyncpg.create_pool(
            settings.url.replace("postgresql+asyncpg://", "postgresql://", 1),
            min_size=0,
            max_size=pool_size or settings.pool_size,
            max_inactive_connection_lifetime=1800,
            server_settings={"application_name": READ_APPLICATION_NAME, "timezone": "UTC"},
            reset=_keep_session,
        )
        return cls(pool)

    async def fetch_row(self, read: CompiledRead, **params: object) -> tuple[Any, ...]:
        """The one row of ``read`` (every read statement answers exactly one row)."""
        sql, args = read.bind(params)
        for attempt in (1, 2):
            for hook in self.statement_hooks:
                hook(sql)
            try:
                async with self._turns, self.pool.acquire() as conn:
                    return tuple(await conn.fetchrow(sql, *args))
            except _DEAD_CONNECTION:
                if attempt == 2:
                    raise
                log.warning("read connection was dead; retrying once on a new one")
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self.pool.close()
