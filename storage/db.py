"""Async engines and session factory built from settings (never at import time)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.settings import DatabaseSettings

#: The read engine's connections are named, so an operator (or a test) can find them in pg_stat_activity.
READ_APPLICATION_NAME = "cadenza-reads"


def create_engine(settings: DatabaseSettings, *, pool_size: int | None = None) -> AsyncEngine:
    return create_async_engine(
        settings.url,
        pool_size=pool_size or settings.pool_size,
        max_overflow=5,
        pool_pre_ping=True,  # survive a PostgreSQL restart without a failed request
        pool_recycle=1800,
    )


def create_read_engine(settings: DatabaseSettings, *, pool_size: int | None = None) -> AsyncEngine:
    """The engine of the one-statement reads (``storage.repositories.reads``).

    Autocommit: a single statement is its own consistent snapshot, so there is no BEGIN before it
    and no ROLLBACK when the connection returns to the pool. No pre-ping either (it is a round trip
    per checkout): a connection found dead is retried once by ``ReadDatabase``. Sessions use UTC,
    so the timestamps PostgreSQL writes into JSON carry ``+00:00`` whatever the server's zone.
    """
    return create_async_engine(
        settings.url,
        pool_size=pool_size or settings.pool_size,
        # No overflow: under a burst, connections made for it and closed again each cost a
        # PostgreSQL backend start (and re-preparing every statement); queue for a pooled one.
        max_overflow=0,
        pool_pre_ping=False,
        pool_recycle=1800,
        isolation_level="AUTOCOMMIT",
        connect_args={"server_settings": {"application_name": READ_APPLICATION_NAME, "timezone": "UTC"}},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
