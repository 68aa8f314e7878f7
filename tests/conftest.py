"""Session fixtures on real infrastructure: a fresh PostgreSQL database, Redis, settings, test media.

``make test`` starts a private PostgreSQL and Redis under ``.var/test`` and exports
``DATABASE_URL`` / ``REDIS_URL``; this session creates its own database on that server,
migrates it with Alembic, and drops it at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from tests import media
from tests.databases import private_database, private_redis_db
from tests.e2e.api import Account, Api
from tests.e2e.mailbox import SmtpServer
from tests.integration.s3_server import s3_server  # noqa: F401 - re-exported fixture

#: Random for each session, as a deployment's key would be: no test may lean on a known key.
TEST_SECRET = secrets.token_urlsafe(32)
#: ``/metrics`` on the API answers only this bearer token.
METRICS_TOKEN = secrets.token_urlsafe(24)
#: The suite logs in (and registers) from 127.0.0.1 hundreds of times; the real defaults are
#: tested on a stack of their own (tests/e2e/test_auth_ratelimit.py), which drops these.
LENIENT_RATE_LIMITS = {
    "RATE_LIMIT_LOGIN": "100000/60",
    "RATE_LIMIT_LOGIN_ACCOUNT": "100000/60",
    "RATE_LIMIT_LOGIN_ACCOUNT_UNKNOWN": "100000/60",
    "RATE_LIMIT_PASSWORD": "100000/60",
    "RATE_LIMIT_PASSWORD_MAIL_ACCOUNT": "100000/60",
    "RATE_LIMIT_PASSWORD_RESET": "100000/60",
    "RATE_LIMIT_PASSWORD_CHANGE": "100000/60",
    "RATE_LIMIT_REGISTER": "100000/60",
    "RATE_LIMIT_VERIFY_RESEND": "100000/60",
    "RATE_LIMIT_UPLOADS": "100000/60",
    "RATE_LIMIT_PHOTO_UPLOADS": "100000/60",
    "EVENT_STREAMS_PER_ADDRESS": "100000",
}


#: The order in which ``make test``'s two xdist workers take test files: the slowest tier first, so
#: the many short files of the cheap tiers fill the gaps at the end instead of one worker starting
#: a two-minute e2e file while the other has nothing left (longest-first scheduling).
TIER_ORDER = ("e2e", "integration", "api", "unit")
#: Within e2e, the files that take longest (stacks of their own, outages, renders) go first.
SLOWEST_FIRST = ("test_worker_faults.py", "test_ops_api.py", "test_claim_faults.py", "test_redis_outage.py")


def pytest_configure(config: pytest.Config) -> None:
    # xdist's default re-sorts files by their number of tests, which puts the slowest e2e files
    # (few tests, minutes each) last; the collection order below is the schedule instead.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tiers in ``TIER_ORDER``, ``SLOWEST_FIRST`` first in theirs (a stable sort: files and tests
    otherwise keep their order)."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        parts = item.nodeid.split("::")[0].split("/")
        tier = parts[1] if len(parts) > 2 and parts[0] == "tests" else ""
        slow = SLOWEST_FIRST.index(parts[-1]) if parts[-1] in SLOWEST_FIRST else len(SLOWEST_FIRST)
        return (TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER), slow)

    items.sort(key=rank)


def _server_url(name: str) -> str:
    url = os.environ.get(name)
    if not url:
        pytest.exit(f"{name} is not set: run the suite with `make test`", returncode=2)
    return url


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A brand-new database for this session, migrated to head."""
    with private_database(_server_url("DATABASE_URL")) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis database of this session's own on the suite's Redis server.

    Dramatiq queues live in the database, so two sessions on one server (a developer's and
    CI's, say) never consume each other's messages.
    """
    with private_redis_db(_server_url("REDIS_URL")) as url:
        yield url


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
        "METRICS_TOKEN": METRICS_TOKEN,
        "MAX_UPLOAD_BYTES": str(24 * 1024 * 1024),
        "MAX_MEDIA_SECONDS": "60",
        "LOG_LEVEL": "INFO",
        # Idle Dramatiq consumers poll Redis with back-off up to this many ms (default 1000).
        "dramatiq_worker_timeout": "100",
        **LENIENT_RATE_LIMITS,
        # Hundreds of accounts are registered and signed in: argon2 at full cost would dominate.
        # tests/unit/test_passwords.py covers the standard cost.
        "PASSWORD_HASH_COST": "minimal",
    }


@pytest.fixture(scope="session")
def settings(base_env: dict[str, str]) -> Settings:
    return Settings.from_env(base_env)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip_small(media_dir: Path) -> Path:
    """A cheap valid clip for tests that only need "a good upload"."""
    return media.video_clip(media_dir / "clip-small.mp4", width=320, height=180, seconds=2)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) that keeps what it receives; the tiers' apps mail to it."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def account(api: Api) -> Account:
    """A fresh student, signed in, on whichever ``api`` the tier provides (tests/api or tests/e2e)."""
    return api.register()
