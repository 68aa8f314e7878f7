"""The in-process API tier: ``create_app(settings)`` behind Litestar's ``TestClient``.

One app per session (one lifespan: engine, Redis clients, object store), on the suite's real
PostgreSQL and Redis. The tier has a database and object store of its own, so no relay of an
e2e stack ever publishes its outbox rows: queued work runs only when a test runs it
(``InlineApi.wait_job``, ``InlineApi.run_tasks``). Mail goes to the session's SMTP server
(aiosmtpd). Tests isolate themselves by unique names: every account, recording and token is new.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from core.settings import Settings
from tests.databases import private_database
from tests.api.mail import InlineMailbox
from tests.e2e.api import Account, Api
from tests.e2e.mailbox import SmtpServer
from tests.inline_worker import run_queued

#: The in-process app's own address: links and media URLs it builds start with it, and the
#: client answers them in-process too.
BASE_URL = "http://cadenza.test"


@pytest.fixture(scope="session")
def base_env(
    base_env: dict[str, str], smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The session's environment, with a database, var dir and object store of this tier's own."""
    var_dir = tmp_path_factory.mktemp("api-var")
    with private_database(base_env["DATABASE_URL"]) as url:
        yield {
            **base_env,
            "DATABASE_URL": url,
            "CADENZA_VAR_DIR": str(var_dir),
            "STORAGE_URL": f"file://{var_dir / 'objects'}",
            "PUBLIC_BASE_URL": BASE_URL,
            "SMTP_URL": smtp_server.url,
        }


@pytest.fixture(scope="session")
def settings(base_env: dict[str, str]) -> Settings:
    return Settings.from_env(base_env)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """The app, started once (lifespan included) and stopped at the end of the session."""
    with TestClient(create_app(settings), base_url=BASE_URL, timeout=30) as client:
        yield client


class InlineApi(Api):
    """The e2e client's calls on the in-process app; waiting for a job runs its queued steps here
    (``tests.inline_worker``), so ``api.process(...)`` gives a processed recording without a stack."""

    def __init__(self, client: TestClient, settings: Settings) -> None:
        super().__init__(client)
        self.settings = settings

    def wait_job(self, account: Account, job_id: str, timeout: float = 180.0) -> dict:
        run_queued(self.settings, job_id)
        return self.job(account, job_id)

    def run_tasks(self, *tasks: str) -> int:
        """Run the due rows of these tasks (e.g. ``"profile_photo"``, ``"send_mail"``) as a worker would."""
        return run_queued(self.settings, tasks=tasks)


@pytest.fixture(scope="session")
def api(client: TestClient, settings: Settings) -> InlineApi:
    return InlineApi(client, settings)


@pytest.fixture(scope="session")
def mailbox(smtp_server: SmtpServer, api: InlineApi, base_env: dict[str, str]) -> InlineMailbox:
    return InlineMailbox(smtp_server.mailbox, api, base_env["DATABASE_URL"])
