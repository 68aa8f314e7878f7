"""End-to-end fixtures: the Procfile's processes on the session database, and test media."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from core.settings import Settings
from tests import media
from tests.e2e.api import Api
from tests.databases import private_database, private_redis_db
from tests.e2e.mailbox import Mailbox, SmtpServer
from tests.e2e.stack import Stack


@pytest.fixture(scope="session")
def clip_1080p(media_dir: Path) -> Path:
    return media.video_clip(media_dir / "clip-1080p.mp4", width=1920, height=1080, seconds=5)


def run_stack(env: dict[str, str], log_dir: Path) -> Iterator[Stack]:
    stack = Stack(env=env, log_dir=log_dir)
    try:
        stack.start()
        yield stack
    except Exception:
        print(stack.all_logs())
        raise
    finally:
        stack.stop()


@contextmanager
def isolated_env(base_env: dict[str, str], var_dir: Path, **overrides: str) -> Iterator[dict[str, str]]:
    """``base_env`` with a database, Redis database and var dir of its own, then ``overrides``.

    A second stack must not share the session stack's database (its relay would publish the
    other stack's outbox rows) nor its queues (its workers would take the other stack's jobs).
    """
    with ExitStack() as resources:
        env = {**base_env, "CADENZA_VAR_DIR": str(var_dir), "STORAGE_URL": f"file://{var_dir / 'objects'}", **overrides}
        env["DATABASE_URL"] = resources.enter_context(private_database(base_env["DATABASE_URL"]))
        if "REDIS_URL" not in overrides:
            env["REDIS_URL"] = resources.enter_context(private_redis_db(base_env["REDIS_URL"]))
        yield env


@pytest.fixture(scope="session")
def base_env(base_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The session's environment with a database, Redis database and var dir of the e2e tier's own.

    Under xdist one process runs integration and e2e files in any order, and the session stack
    lives until the end: sharing the integration tier's database, its relay would publish (and its
    workers run) the jobs that integration tests drive by hand.
    """
    with isolated_env(base_env, tmp_path_factory.mktemp("e2e-var")) as env:
        yield env


@pytest.fixture(scope="session")
def settings(base_env: dict[str, str]) -> Settings:
    return Settings.from_env(base_env)


@pytest.fixture(scope="session")
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture(scope="session")
def stack(
    base_env: dict[str, str], smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """web + relay + ingest/transcode/images/notify workers, exactly as the Procfile runs them."""
    yield from run_stack({**base_env, "SMTP_URL": smtp_server.url}, tmp_path_factory.mktemp("stack-logs"))


def api_for(stack: Stack) -> Iterator[Api]:
    """An API client on ``stack``, closed afterwards (for modules that run a stack of their own)."""
    client = Api(stack.base_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[Api]:
    yield from api_for(stack)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    """On an e2e failure, attach the processes' logs to the report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and "stack" in getattr(item, "funcargs", {}):
        report.sections.append(("stack logs", item.funcargs["stack"].all_logs()))
