"""A Redis outage: uploads are still accepted, and their jobs complete once Redis is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.api import Account, Api
from tests.e2e.conftest import api_for, isolated_env, run_stack
from tests.e2e.processes import RedisServer, running_redis
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

OUTAGE_SECONDS = 5.0


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    yield from running_redis(tmp_path_factory.mktemp("redis"))


@pytest.fixture(scope="module")
def stack(
    base_env: dict[str, str], redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Overrides the session stack for this module: a stack of its own, on the private Redis."""
    var_dir = tmp_path_factory.mktemp("redis-outage-stack")
    with isolated_env(base_env, var_dir, REDIS_URL=redis_server.url) as env:
        yield from run_stack(env, var_dir / "logs")


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[Api]:
    yield from api_for(stack)


def _wait_for_log(stack: Stack, name: str, text: str, *, times: int = 1, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while stack.logs(name, tail=500).count(text) < times:
        assert time.monotonic() < deadline, f"{name} did not log {text!r} {times} times:\n{stack.logs(name)}"
        time.sleep(0.1)


def test_upload_during_a_redis_outage_completes_once_redis_is_back(
    api: Api, stack: Stack, account: Account, redis_server: RedisServer, clip_small: Path
) -> None:
    # Given Redis goes down
    redis_server.kill()
    down_since = time.monotonic()
    # Readiness reuses a check for up to a second (api.health.readiness): the next one sees it
    ready = api.http.get("/health/ready")
    while ready.status_code == 200 and time.monotonic() - down_since < 5:
        time.sleep(0.2)
        ready = api.http.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["redis"] != "ok", ready.text

    # When a clip is uploaded
    r = api.upload(account, clip_small, title="Through the outage")

    # Then it is accepted, and its job waits in the outbox (the relay cannot publish it)
    assert r.status_code == 202, r.text
    created = r.json()
    _wait_for_log(stack, "relay", "publishing failed", times=3)
    job = api.job(account, created["job_id"])
    assert job["state"] == "queued", job
    assert api.recording(account, created["id"])["status"] == "processing"
    # Long enough for the workers' consumers to fail a restart too (Dramatiq retries every 3 s).
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_since)))

    # When Redis comes back (empty: nothing was saved) on the same port
    redis_server.start()

    # Then the job completes with no manual step
    job = api.wait_job(account, created["job_id"], timeout=120)
    assert job["state"] == "succeeded", job
    recording = api.recording(account, created["id"])
    assert recording["status"] == "ready", recording
    assert [r["name"] for r in recording["renditions"]] == ["sd"]
    assert api.http.get("/health/ready").status_code == 200


def test_a_burst_of_uploads_through_a_ten_second_outage_all_end_ready_once(
    api: Api, stack: Stack, account: Account, redis_server: RedisServer, clip_small: Path
) -> None:
    # Given a burst of 10 uploads, Redis dying (without saving anything) after the second
    answers, down_since = [], 0.0
    for i in range(10):
        if i == 2:
            redis_server.kill()
            down_since = time.monotonic()
        answers.append(api.upload(account, clip_small, title=f"burst {i}"))
        time.sleep(0.8)

    # Then each upload was accepted, or refused with 503: never a server error
    assert all(r.status_code in (202, 503) for r in answers), [(r.status_code, r.text) for r in answers]
    accepted = [r.json() for r in answers if r.status_code == 202]
    assert accepted, "no upload was accepted during the outage"

    # When Redis comes back empty after ten seconds
    time.sleep(max(0.0, 10.0 - (time.monotonic() - down_since)))
    redis_server.start()

    # Then every accepted upload ends ready, and its owner is told exactly once
    for created in accepted:
        assert api.wait_job(account, created["job_id"], timeout=180)["state"] == "succeeded", created
        assert api.recording(account, created["id"])["status"] == "ready"
    r = api.http.get("/api/v1/notifications", headers=account.headers, params={"limit": 100})
    ready = [n["data"]["recording_id"] for n in r.json()["items"] if n["kind"] == "recording.ready"]
    assert sorted(ready) == sorted(c["id"] for c in accepted)
