"""The operators' API: jobs of every owner, retry and cancel, queue numbers, live workers.

A stack of its own, on an S3 server that the tests can take down (a real storage outage).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import media
from tests.e2e.api import Account, Api
from tests.e2e.conftest import api_for, isolated_env, run_stack
from tests.e2e.ops_support import (
    StoppableS3Server,
    admin_get,
    admin_job,
    ffmpeg_running_for,
    ids_of,
    make_admin,
    notification_kinds,
    post_action,
    queue_row,
    refused_action,
    relay_paused,
    step_of,
    wait_until,
)
from tests.e2e.stack import Stack
from tests.integration.s3_server import s3_storage_url, unique_bucket

pytestmark = pytest.mark.e2e

QUEUES = ("ingest", "transcode", "images", "notify")


@pytest.fixture(scope="module")
def s3() -> Iterator[StoppableS3Server]:
    server = StoppableS3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def stack(base_env: dict[str, str], s3: StoppableS3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Overrides the session stack for this module: a stack of its own, on a stoppable S3 server."""
    var_dir = tmp_path_factory.mktemp("ops-stack")
    with isolated_env(base_env, var_dir, STORAGE_URL=s3_storage_url(s3.endpoint_url, unique_bucket())) as env:
        yield from run_stack(env, var_dir / "logs")


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[Api]:
    yield from api_for(stack)


@pytest.fixture(scope="module")
def admin(api: Api, stack: Stack) -> Account:
    return make_admin(stack.env["DATABASE_URL"], api.register())


@pytest.fixture(scope="module")
def long_clip(media_dir: Path) -> Path:
    """Long enough to be cancelled while ffmpeg renders it."""
    return media.video_clip(media_dir / "clip-720p-20s.mp4", width=1280, height=720, seconds=20)


@dataclass
class Processed:
    owner: Account
    job: dict
    queues_before: dict[str, dict]
    queues_after: dict[str, dict]


@pytest.fixture(scope="module")
def processed(api: Api, admin: Account, clip_small: Path) -> Processed:
    """One upload processed to the end (every worker has then set itself up), with the queue
    numbers before and after."""
    before = {q["queue"]: q for q in admin_get(api, admin, "/queues")["items"]}
    owner = api.register()
    job, _ = api.process(owner, clip_small, title="Processed for the operators")
    assert job["state"] == "succeeded", job
    after = {q["queue"]: q for q in admin_get(api, admin, "/queues")["items"]}
    return Processed(owner=owner, job=job, queues_before=before, queues_after=after)


def test_every_admin_endpoint_refuses_anonymous_callers_and_non_admins(api: Api) -> None:
    student = api.register()
    some_job = uuid.uuid4()
    endpoints = [
        ("GET", "/jobs"),
        ("GET", f"/jobs/{some_job}"),
        ("POST", f"/jobs/{some_job}/retry"),
        ("POST", f"/jobs/{some_job}/cancel"),
        ("GET", "/failures"),
        ("GET", "/queues"),
        ("GET", "/workers"),
    ]
    for method, path in endpoints:
        anonymous = api.http.request(method, f"/api/v1/admin{path}")
        assert anonymous.status_code == 401, (path, anonymous.text)
        forbidden = api.http.request(method, f"/api/v1/admin{path}", headers=student.headers)
        assert forbidden.status_code == 403, (path, forbidden.text)
        assert forbidden.json()["error_code"] == "admin_required"


def test_bad_filters_and_unknown_jobs_get_client_errors(api: Api, admin: Account) -> None:
    for params in ({"state": "lost"}, {"queue": "video"}, {"error_code": "Not A Code"}, {"limit": 0}, {"offset": -1}):
        r = api.http.get("/api/v1/admin/jobs", headers=admin.headers, params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error_code"] == "validation_error"
    assert api.http.get("/api/v1/admin/failures?limit=1000", headers=admin.headers).status_code == 422
    assert api.http.get("/api/v1/admin/jobs/not-a-uuid", headers=admin.headers).status_code == 404
    unknown = uuid.uuid4()
    r = api.http.get(f"/api/v1/admin/jobs/{unknown}", headers=admin.headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "job_not_found")
    for action in ("retry", "cancel"):
        r = api.http.post(f"/api/v1/admin/jobs/{unknown}/{action}", headers=admin.headers)
        assert (r.status_code, r.json()["error_code"]) == (404, "job_not_found"), action


def test_queue_numbers_move_after_an_upload(processed: Processed) -> None:
    steps_per_queue = {"ingest": 2, "transcode": 1, "images": 1, "notify": 1}  # probe + finalize on ingest
    for queue, steps in steps_per_queue.items():
        before, after = processed.queues_before[queue], processed.queues_after[queue]
        assert after["done_last_hour"] == before["done_last_hour"] + steps, (queue, before, after)
        assert after["failed_last_hour"] == before["failed_last_hour"]
        assert after["p50_seconds"] is not None and after["p95_seconds"] >= after["p50_seconds"] > 0
        assert (after["waiting"], after["in_flight"], after["delayed"], after["dead_letters"]) == (0, 0, 0, 0)


def test_jobs_of_every_owner_are_listed_with_filters(api: Api, admin: Account, processed: Processed) -> None:
    job_id = processed.job["id"]
    item = next(j for j in admin_get(api, admin, "/jobs", state="succeeded")["items"] if j["id"] == job_id)
    assert item["owner"] == {"id": processed.owner.id, "username": processed.owner.username}
    assert item["recording"]["title"] == "Processed for the operators"
    assert item["recording"]["status"] == "ready"
    assert [(s["name"], s["queue"], s["state"], s["attempts"]) for s in item["steps"]] == [
        ("probe", "ingest", "succeeded", 1),
        ("render", "transcode", "succeeded", 1),
        ("thumbnails", "images", "succeeded", 1),
        ("finalize", "ingest", "succeeded", 1),
        ("notify", "notify", "succeeded", 1),
    ]
    assert admin_job(api, admin, job_id) == item
    # A finished job is in no queue and in no other state.
    assert job_id not in ids_of(admin_get(api, admin, "/jobs", state="failed", limit=100))
    assert job_id not in ids_of(admin_get(api, admin, "/jobs", queue="transcode", limit=100))
    page = admin_get(api, admin, "/jobs", limit=1)
    assert len(page["items"]) == 1 and page["total"] >= 1
    assert admin_get(api, admin, "/jobs", offset=page["total"])["items"] == []
    # Nothing to retry or cancel in a succeeded job.
    assert refused_action(api, admin, job_id, "retry") == "job_not_retryable"
    assert refused_action(api, admin, job_id, "cancel") == "job_not_cancellable"


def test_live_workers_are_listed_with_their_heartbeat_age(api: Api, admin: Account) -> None:
    def covered() -> list[dict] | None:
        items = admin_get(api, admin, "/workers")["items"]
        return items if {q for w in items for q in w["queues"]} >= set(QUEUES) else None

    for worker in wait_until(covered, timeout=15, what="a heartbeat for every queue"):
        assert 0 <= worker["heartbeat_age_seconds"] < 30, worker
        assert worker["pid"] > 0 and worker["worker"].endswith(f":{worker['pid']}")
        assert worker["stopping"] is False


def test_a_job_failed_by_a_storage_outage_is_retried_and_ends_ready(
    api: Api, stack: Stack, admin: Account, s3: StoppableS3Server, processed: Processed, clip_small: Path
) -> None:
    owner = api.register()
    # Given an upload is accepted, then the object store goes down before its probe runs
    with relay_paused(stack):
        created = api.accepted(owner, clip_small, title="Through a storage outage")
        assert queue_row(api, admin, "ingest")["delayed"] >= 1  # the probe waits in the outbox
        s3.stop()
    job_id = created["job_id"]
    try:
        # When the probe has used its three attempts (backoff 2 s, then 4 s)
        job = api.wait_job(owner, job_id, timeout=90)

        # Then the job failed with the storage fault, and operators find it by queue and code
        assert (job["state"], job["error_code"]) == ("failed", "storage_unavailable"), job
        probe = step_of(job, "probe")
        assert (probe["state"], probe["attempts"], probe["error_code"]) == ("failed", 3, "storage_unavailable")
        assert job_id in ids_of(admin_get(api, admin, "/jobs", state="failed", error_code="storage_unavailable"))
        assert job_id in ids_of(admin_get(api, admin, "/jobs", queue="ingest"))
        assert job_id not in ids_of(admin_get(api, admin, "/jobs", queue="transcode"))
        assert admin_get(api, admin, "/failures")["items"][0]["id"] == job_id
    finally:
        s3.start()  # the store is back, with every object it held

    # When an admin retries the job
    retried = post_action(api, admin, job_id, "retry")

    # Then it is queued again with fresh attempts, and the recording is processing again
    assert retried["state"] in ("queued", "running") and retried["error_code"] is None, retried
    assert retried["recording"]["status"] == "processing"
    probe = step_of(retried, "probe")
    assert probe["attempts"] <= 1 and probe["error_code"] is None and probe["state"] in ("queued", "running")
    assert all(s["error_code"] is None and s["state"] in ("queued", "running") for s in retried["steps"]), retried
    assert step_of(retried, "notify")["state"] == "queued"
    assert refused_action(api, admin, job_id, "retry") == "job_not_retryable"

    # And it runs to the end: ready, with exactly one "ready" notification for the owner
    job = api.wait_job(owner, job_id, timeout=120)
    assert (job["state"], job["error_code"]) == ("succeeded", None), job
    recording = api.recording(owner, created["id"])
    assert (recording["status"], recording["error_code"]) == ("ready", None)
    assert [r["name"] for r in recording["renditions"]] == ["sd"]
    assert notification_kinds(api, owner, created["id"]) == ["recording.failed", "recording.ready"]


def test_a_queued_job_is_cancelled_and_a_cancelled_job_can_be_retried(
    api: Api, stack: Stack, admin: Account, processed: Processed, clip_small: Path
) -> None:
    owner = api.register()
    with relay_paused(stack):
        created = api.accepted(owner, clip_small, title="Cancelled while queued")
        job_id = created["job_id"]

        # When an admin cancels the job while its probe waits to be sent
        cancelled = post_action(api, admin, job_id, "cancel")

        # Then the media steps stop, the recording failed with "cancelled", the owner is told
        assert cancelled["error_code"] == "cancelled"
        assert cancelled["recording"]["status"] == "failed"
        assert [(s["name"], s["state"], s["error_code"]) for s in cancelled["steps"]] == [
            ("probe", "failed", "cancelled"),
            ("render", "skipped", None),
            ("thumbnails", "skipped", None),
            ("finalize", "skipped", None),
            ("notify", "queued", None),
        ]
        assert refused_action(api, admin, job_id, "cancel") == "job_not_cancellable"

    # The probe's message, published after all, does nothing: only the notification goes out
    job = api.wait_job(owner, job_id, timeout=60)
    assert (job["state"], job["error_code"]) == ("failed", "cancelled"), job
    recording = api.recording(owner, created["id"])
    assert (recording["status"], recording["error_code"]) == ("failed", "cancelled")
    assert notification_kinds(api, owner, created["id"]) == ["recording.failed"]

    # When it is retried, it runs from the start to ready
    post_action(api, admin, job_id, "retry")
    job = api.wait_job(owner, job_id, timeout=120)
    assert job["state"] == "succeeded", job
    assert api.recording(owner, created["id"])["status"] == "ready"
    assert notification_kinds(api, owner, created["id"]) == ["recording.failed", "recording.ready"]


def _rendering(api: Api, owner: Account, job_id: str) -> dict | None:
    job = api.job(owner, job_id)
    render = step_of(job, "render")
    return job if render["state"] == "running" and render["progress"] > 0 else None


def test_a_running_render_is_cancelled(api: Api, admin: Account, processed: Processed, long_clip: Path) -> None:
    owner = api.register()
    created = api.accepted(owner, long_clip, title="Cancelled while rendering")
    wait_until(lambda: _rendering(api, owner, created["job_id"]), timeout=120, what="the render")

    cancelled = post_action(api, admin, created["job_id"], "cancel")
    assert (step_of(cancelled, "render")["state"], step_of(cancelled, "render")["error_code"]) == (
        "failed",
        "cancelled",
    )

    job = api.wait_job(owner, created["job_id"], timeout=60)
    assert (job["state"], job["error_code"]) == ("failed", "cancelled"), job
    assert step_of(job, "finalize")["state"] == "skipped"
    recording = api.recording(owner, created["id"])
    assert (recording["status"], recording["error_code"], recording["renditions"]) == ("failed", "cancelled", [])
    assert notification_kinds(api, owner, created["id"]) == ["recording.failed"]


def test_cancelling_a_render_stops_its_ffmpeg_at_once(
    api: Api, admin: Account, processed: Processed, long_clip: Path
) -> None:
    """Needs the worker side: ``workers.cancel.is_cancelled`` checked in the progress callback."""
    owner = api.register()
    created = api.accepted(owner, long_clip, title="Stopped while rendering")
    wait_until(lambda: _rendering(api, owner, created["job_id"]), timeout=120, what="the render")
    assert ffmpeg_running_for(created["id"])

    post_action(api, admin, created["job_id"], "cancel")

    # The render would take seconds more; the worker notices the cancellation within one progress tick.
    wait_until(lambda: not ffmpeg_running_for(created["id"]), timeout=3, what="ffmpeg stopping", interval=0.1)
    job = api.wait_job(owner, created["job_id"], timeout=30)
    assert (step_of(job, "render")["state"], step_of(job, "render")["error_code"]) == ("failed", "cancelled")
