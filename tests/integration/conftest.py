"""Fixtures for the integration tests; the session-scoped ``s3_server`` comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import DatabaseSettings, Settings, parse_storage_url
from storage.db import create_engine, create_session_factory
from storage.objects import ObjectStore, create_object_store
from core.ids import new_id
from tests.databases import private_database, private_redis_db
from tests.integration.jobs_support import REAPER_SETTINGS, Clock
from tests.integration.s3_server import s3_storage_url, unique_bucket
from workers import runtime
from workers.reaper import Reaper
from workers.runtime import WorkerContext


@pytest_asyncio.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
    """Each object store backend in turn: LocalStore on a temp dir, S3Store on a fresh moto bucket."""
    if request.param == "local":
        settings = parse_storage_url(f"file://{tmp_path / 'objects'}")
    else:
        endpoint = request.getfixturevalue("s3_server")
        settings = parse_storage_url(s3_storage_url(endpoint, unique_bucket()))
    object_store = create_object_store(settings)
    await object_store.ensure_ready()
    await object_store.check()
    yield object_store
    await object_store.close()


# -- a database and Redis database of a module's own, for tests whose made-up jobs and claims a
# -- running stack's relay must not see (the reaper's and the broker watcher's)


@pytest.fixture(scope="module")
def reaper_database(database_url: str) -> Iterator[str]:
    with private_database(database_url) as url:
        yield url


@pytest.fixture(scope="module")
def reaper_redis_url(redis_url: str) -> Iterator[str]:
    with private_redis_db(redis_url) as url:
        yield url


@pytest.fixture
async def sessions(reaper_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(DatabaseSettings(url=reaper_database), pool_size=4)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def redis(reaper_redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(reaper_redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def w() -> tuple[str, str]:
    """Two worker ids of this test's own (claims of earlier tests stay in the module's database)."""
    return f"host-a:{new_id().int % 10**6}", f"host-b:{new_id().int % 10**6}"


@pytest.fixture
def reaper(sessions: async_sessionmaker[AsyncSession], redis: Redis, clock: Clock) -> Reaper:
    return Reaper(sessions, redis, REAPER_SETTINGS, clock=clock)


@pytest.fixture
async def worker_ctx(settings: Settings) -> AsyncIterator[WorkerContext]:
    """A worker process's resources (``workers.runtime``) on the session's database and Redis."""
    runtime.configure(settings)
    context = await runtime.get_context()
    yield context
    await runtime.close_context()
