"""Process-wide resources of the web app, built in the lifespan and injected as ``ctx``."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.settings import Settings
from storage.objects import ObjectStore
from storage.db import ReadDatabase


@dataclass(slots=True)
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    store: ObjectStore
    #: The pool of the one-statement reads clients poll (asyncpg, no pre-ping; see storage.db).
    reads: ReadDatabase
