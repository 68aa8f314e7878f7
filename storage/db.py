"""Async engine and session factory built from settings (never at import time)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.settings import DatabaseSettings


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
