"""Session fixtures on real infrastructure: a fresh PostgreSQL database, Redis, settings.

``make test`` starts a private PostgreSQL and Redis under ``.var/test`` and exports
``DATABASE_URL`` / ``REDIS_URL``; this session creates its own database on that server,
migrates it with Alembic, and drops it at the end.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
import redis
from alembic import command
from alembic.config import Config

from core.settings import Settings
from tests.integration.s3_server import s3_server  # noqa: F401 - re-exported fixture

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_SECRET = "test-secret-key-for-cadenza-suite"  # noqa: S105


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the suite with `make test`", returncode=2)
    return url


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A brand-new database for this session, migrated to head."""
    server = _server_url()
    name = f"cadenza_test_{uuid.uuid4().hex[:10]}"
    base, _, _ = server.rpartition("/")

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(_plain(f"{base}/postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = f"{base}/{name}"
    cfg = Config(os.path.join(ROOT, "alembic.ini"))
    cfg.set_main_option("script_location", os.path.join(ROOT, "migrations"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis database of this session's own on the suite's Redis server.

    Dramatiq queues live in the database, so two sessions on one server (a developer's and
    CI's, say) never consume each other's messages.
    """
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.exit("REDIS_URL is not set: run the suite with `make test`", returncode=2)
    server = redis.Redis.from_url(url)
    index = 1 + int(server.incr("cadenza-test:sessions")) % 15
    server.close()
    session_url = f"{url.rsplit('/', 1)[0]}/{index}"
    db = redis.Redis.from_url(session_url)
    db.flushdb()
    yield session_url
    db.flushdb()
    db.close()


@pytest.fixture(scope="session")
def base_env(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for every process the tests start (and for in-process Settings)."""
    var_dir = tmp_path_factory.mktemp("var")
    return {
        "CADENZA_ENV": "test",
        "CADENZA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORAGE_URL": f"file://{var_dir / 'objects'}",
        "SECRET_KEY": TEST_SECRET,
        "MAX_UPLOAD_BYTES": str(24 * 1024 * 1024),
        "MAX_MEDIA_SECONDS": "60",
        "LOG_LEVEL": "INFO",
        # Idle Dramatiq consumers poll Redis with back-off up to this many ms (default 1000).
        "dramatiq_worker_timeout": "100",
    }


@pytest.fixture(scope="session")
def settings(base_env: dict[str, str]) -> Settings:
    return Settings.from_env(base_env)
