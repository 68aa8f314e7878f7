"""A database outage while step messages wait in Redis: no message is lost at claim time.

The ingest workers take the waiting ``probe`` messages while PostgreSQL is down, so every claim
fails; each message must come back (Dramatiq's retry with backoff, ``workers.steps.ClaimDeferred``)
and, once PostgreSQL is back, every recording ends ready with one notification.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.redis_keys import BROKER_NAMESPACE
from tests.e2e.conftest import api_for, isolated_env, run_stack
from tests.e2e.processes import private_services, start_postgres, stop_postgres
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

#: The outage lasts until every waiting probe message has been taken and deferred at least once
#: (a fixed 20 s sleep before: mostly idle, and it never showed that a claim had failed).
OUTAGE_TIMEOUT_SECONDS = 60
DEFERRED = "step not claimed; the message will come back"


@pytest.fixture
def pg_services() -> Iterator[tuple[Path, dict[str, str]]]:
    with private_services() as services:
        yield services


@pytest.fixture
def pg_stack(base_env: dict[str, str], pg_services: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Stack]:
    _, services = pg_services
    server_env = {**base_env, "DATABASE_URL": services["DATABASE_URL"], "REDIS_URL": services["REDIS_URL"]}
    with isolated_env(server_env, tmp_path / "var") as env:
        yield from run_stack(env, tmp_path / "logs")


def _deferred_jobs(stack: Stack) -> set[str]:
    """Jobs whose claim the ingest worker has given back (logged by ``workers.steps._claim``)."""
    path = stack.log_dir / "ingest.log"
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    found = set()
    for line in lines:
        if DEFERRED in line:
            with contextlib.suppress(ValueError):
                found.add(json.loads(line).get("job_id"))
    return found


def _waiting_messages(redis_url: str, queue: str) -> int:
    with redis.Redis.from_url(redis_url) as client:
        return int(client.hlen(f"{BROKER_NAMESPACE}:{queue}.msgs"))


def test_probe_messages_taken_while_postgresql_is_down_are_not_lost(
    pg_stack: Stack, pg_services: tuple[Path, dict[str, str]], clip_small: Path
) -> None:
    directory, services = pg_services
    api = next(api_for(pg_stack))
    account = api.register()
    # Given five uploads whose probe messages wait in Redis (no ingest worker runs)
    pg_stack.stop_process("ingest")
    created = [api.accepted(account, clip_small, title=f"take {i}") for i in range(5)]
    deadline = time.monotonic() + 30
    while _waiting_messages(pg_stack.env["REDIS_URL"], "ingest") < 5:
        assert time.monotonic() < deadline, "the relay did not publish the probe messages"
        time.sleep(0.2)

    # When the ingest workers take them while PostgreSQL is down, each claim failing
    stop_postgres(directory, services["CADENZA_PG_BINDIR"])
    try:
        pg_stack.start_process("ingest")
        deadline = time.monotonic() + OUTAGE_TIMEOUT_SECONDS
        while not _deferred_jobs(pg_stack) >= {item["job_id"] for item in created}:
            assert time.monotonic() < deadline, ("not every claim failed", pg_stack.logs("ingest"))
            time.sleep(0.2)
    finally:
        start_postgres(directory, services["CADENZA_PG_BINDIR"])

    # Then every recording ends ready, and its owner is told once for each
    for item in created:
        job = api.wait_job(account, item["job_id"], timeout=180)
        assert job["state"] == "succeeded", (job, pg_stack.logs("ingest"))
        assert api.recording(account, item["id"])["status"] == "ready"
    r = api.http.get("/api/v1/notifications", headers=account.headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    ready = [n["data"]["recording_id"] for n in r.json()["items"] if n["kind"] == "recording.ready"]
    assert sorted(ready) == sorted(item["id"] for item in created)
