"""Per-process worker resources, created lazily on the worker's event loop (after the fork)."""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.objects import ObjectStore, create_object_store


@dataclass(slots=True)
class WorkerContext:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    store: ObjectStore


_settings: Settings | None = None
_context: WorkerContext | None = None
_lock: asyncio.Lock | None = None


def configure(settings: Settings) -> None:
    """Called once by the entry point; nothing connects until the first message."""
    global _settings
    _settings = settings


async def get_context() -> WorkerContext:
    global _context, _lock
    if _context is not None:
        return _context
    if _settings is None:
        raise RuntimeError("workers.runtime.configure(settings) was not called")
    _lock = _lock or asyncio.Lock()
    async with _lock:
        if _context is None:
            engine = create_engine(_settings.database, pool_size=4)
            store = create_object_store(_settings.storage)
            await store.ensure_ready()
            _context = WorkerContext(
                settings=_settings,
                engine=engine,
                sessions=create_session_factory(engine),
                redis=Redis.from_url(_settings.redis.url, socket_connect_timeout=2, socket_timeout=5),
                store=store,
            )
    return _context


async def close_context() -> None:
    global _context
    if _context is not None:
        await _context.store.close()
        await _context.engine.dispose()
        await _context.redis.aclose()
        _context = None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
