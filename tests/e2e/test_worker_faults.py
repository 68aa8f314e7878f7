"""Worker faults with the real processes: kill -9 mid-render, SIGTERM mid-render, a PostgreSQL restart.

This module's stack beats every second and declares a worker lost after 3 s, so the reaper acts
within seconds; a stopping worker hands its step back after 1 s.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from storage.heartbeats import HEARTBEAT_PREFIX, WorkerHeartbeat
from tests import media
from tests.e2e.api import Account, Api
from tests.e2e.conftest import api_for, isolated_env, run_stack
from tests.e2e.processes import alive, children, comm, private_redis, private_services, restart_postgres
from tests.e2e.stack import Stack, procfile_commands

pytestmark = pytest.mark.e2e

FAST_LIVENESS = {
    "HEARTBEAT_INTERVAL_SECONDS": "1",
    "HEARTBEAT_TIMEOUT_SECONDS": "3",
    "WORKER_SHUTDOWN_GRACE_SECONDS": "1",
    # The relay's sweeper removes a dead worker's temporary directory within seconds.
    "SWEEP_INTERVAL_SECONDS": "1",
    "SWEEP_WORKDIR_AGE_SECONDS": "1",
}


@pytest.fixture(scope="module")
def stack(base_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of this module's own, on a Redis server of its own: counting lost messages needs
    certainty that no other stack's workers can take one."""
    var_dir = tmp_path_factory.mktemp("worker-faults-stack")
    (var_dir / "tmp").mkdir()  # the workers' and the sweeper's TMPDIR, watched by the kill -9 test
    with (
        private_redis(var_dir) as redis_url,
        isolated_env(base_env, var_dir, REDIS_URL=redis_url, TMPDIR=str(var_dir / "tmp"), **FAST_LIVENESS) as env,
    ):
        yield from run_stack(env, var_dir / "logs")


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[Api]:
    yield from api_for(stack)


@pytest.fixture(scope="module")
def clip_720p(media_dir: Path) -> Path:
    """Long enough for a render to take a few seconds (a window to kill its worker in)."""
    return media.video_clip(media_dir / "clip-720p-6s.mp4", width=1280, height=720, seconds=6, fps=15)


def _wait_for_ffmpeg(stack: Stack, name: str, timeout: float = 60.0) -> tuple[set[int], set[int]]:
    """(worker pids, ffmpeg pids) of the ``name`` worker group, once one of its workers runs ffmpeg."""
    main = stack.processes[name].pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = set(children(main))
        ffmpeg = {child for w in workers for child in children(w) if comm(child) == "ffmpeg"}
        if ffmpeg:
            return workers, ffmpeg
        time.sleep(0.05)
    raise AssertionError(f"no ffmpeg under {name} after {timeout}s:\n{stack.logs(name)}")


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {timeout}s"
        time.sleep(0.1)


def _wait_gone(pids: set[int], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while left := {p for p in pids if alive(p)}:
        assert time.monotonic() < deadline, f"still running: {[(p, comm(p)) for p in left]}"
        time.sleep(0.05)


# ---------------------------------------------------------------- heartbeats, logs, API


def _heartbeats(stack: Stack) -> list[WorkerHeartbeat]:
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    try:
        raws = [client.get(key) for key in client.scan_iter(match=f"{HEARTBEAT_PREFIX}*")]
    finally:
        client.close()
    return [beat for raw in raws if raw is not None and (beat := WorkerHeartbeat.from_json(raw)) is not None]


def _wait_for_heartbeat(
    stack: Stack, pids: set[int], job_ids: set[str], since: dt.datetime, timeout: float = 5.0
) -> WorkerHeartbeat:
    """A heartbeat of one of ``pids`` written after ``since`` that reports a render of one of ``job_ids``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for beat in _heartbeats(stack):
            renders = [s for s in beat.current if s.step == "render" and s.job_id in job_ids]
            if beat.pid in pids and beat.beat_at > since and renders:
                return beat
        time.sleep(0.1)
    raise AssertionError(f"no heartbeat reports the render: {_heartbeats(stack)}")


def _catch_a_render(stack: Stack, job_ids: set[str]) -> tuple[set[int], set[int], str]:
    """(worker pids, ffmpeg pids, job id) of a render in progress, its ffmpeg still running now.

    The heartbeat must be written after the ffmpeg was seen, and the ffmpeg still alive after
    reading it: then the render the heartbeat reports is the one that ffmpeg runs.
    """
    for _ in range(len(job_ids)):
        seen = dt.datetime.now(dt.UTC)
        workers, ffmpeg = _wait_for_ffmpeg(stack, "transcode")
        beat = _wait_for_heartbeat(stack, workers, job_ids, since=seen)
        if all(alive(pid) for pid in ffmpeg):
            assert beat.queues == ("transcode",) and not beat.stopping, beat
            (render,) = [s for s in beat.current if s.step == "render"]
            return workers, ffmpeg, render.job_id
    raise AssertionError("every render finished before it could be caught running")


def _successes(stack: Stack) -> collections.Counter[tuple[str, str]]:
    """How many times each (job, step) was recorded as succeeded, from every worker's JSON log."""
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for name in ("ingest", "transcode", "images", "notify"):
        for line in (stack.log_dir / f"{name}.log").read_text(errors="replace").splitlines():
            if line.startswith("{") and (entry := json.loads(line)).get("msg") == "step succeeded":
                counts[(entry["job_id"], entry["step"])] += 1
    return counts


def _notification_kinds(api: Api, account: Account) -> list[str]:
    r = api.http.get("/api/v1/notifications", headers=account.headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return [n["kind"] for n in r.json()["items"]]


def _step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s["name"] == name)


# ---------------------------------------------------------------- tests


def test_a_transcode_worker_killed_mid_render_loses_no_upload(api: Api, stack: Stack, clip_720p: Path) -> None:
    # Given five uploads by five owners, and a transcode worker rendering one of them
    accounts = [api.register() for _ in range(5)]
    created = [api.accepted(account, clip_720p, title=f"Scales {i}") for i, account in enumerate(accounts)]
    workers, ffmpeg, killed_job = _catch_a_render(stack, {c["job_id"] for c in created})

    # When the whole transcode group is killed with SIGKILL (no chance to clean up)
    stack.stop_process("transcode", signal.SIGKILL)

    # Then its workers and their ffmpeg die with it (PDEATHSIG), and a new worker takes over
    _wait_gone(workers | ffmpeg)
    stack.start_process("transcode")
    jobs = [api.wait_job(account, c["job_id"], timeout=150) for account, c in zip(accounts, created, strict=True)]
    assert [job["state"] for job in jobs] == ["succeeded"] * 5, jobs
    for account, c in zip(accounts, created, strict=True):
        recording = api.recording(account, c["id"])
        assert recording["status"] == "ready", recording
        assert sorted(r["name"] for r in recording["renditions"]) == ["hd", "sd"]
        assert _notification_kinds(api, account).count("recording.ready") == 1
    # The render that was killed ran again after the reaper requeued it, its lost attempt counted
    attempts = {job["id"]: _step(job, "render")["attempts"] for job in jobs}
    assert attempts == {job["id"]: 2 if job["id"] == killed_job else 1 for job in jobs}
    assert "step requeued: its worker is gone" in stack.logs("relay", tail=2000)
    # And no step was recorded as succeeded twice
    successes = _successes(stack)
    assert {key: n for key, n in successes.items() if n > 1} == {}
    assert sum(n for (job_id, _), n in successes.items() if job_id in {j["id"] for j in jobs}) == 5 * 5
    # And the killed workers' temporary directories (original and renditions) are swept away
    temp = Path(stack.env["TMPDIR"])
    leftovers = lambda: [p for p in temp.iterdir() if p.name.startswith("cadenza-")]  # noqa: E731
    _wait_for(lambda: not leftovers(), "sweep of the killed workers' directories", timeout=30)


def test_a_transcode_worker_stopped_mid_render_hands_its_step_back(api: Api, stack: Stack, clip_720p: Path) -> None:
    # Given a transcode worker with no grace period (so that the render cannot finish in it)
    stack.stop_process("transcode")
    command = f"WORKER_SHUTDOWN_GRACE_SECONDS=0 {procfile_commands()['transcode']}"
    main = stack.start_process("transcode", command).pid
    _wait_for(lambda: any(beat.pid in children(main) for beat in _heartbeats(stack)), "the new worker's heartbeat")
    # rendering an upload
    account = api.register()
    created = api.accepted(account, clip_720p, title="Arpeggios")
    workers, ffmpeg = _wait_for_ffmpeg(stack, "transcode")

    # When it is asked to stop (SIGTERM, as a supervisor does)
    started = time.monotonic()
    stack.stop_process("transcode", signal.SIGTERM)

    # Then it exits promptly, its ffmpeg killed, and the step is back in the queue, attempt not spent
    assert time.monotonic() - started < 10
    _wait_gone(workers | ffmpeg)
    render = _step(api.job(account, created["job_id"]), "render")
    assert (render["state"], render["attempts"]) == ("queued", 0), render
    assert "worker stopping; step handed back" in stack.logs("transcode", tail=500)
    assert not [beat for beat in _heartbeats(stack) if beat.pid in workers]  # removed, not left to expire

    # When a transcode worker runs again, the job completes
    stack.start_process("transcode")
    job = api.wait_job(account, created["job_id"], timeout=90)
    assert job["state"] == "succeeded", job
    assert _step(job, "render")["attempts"] == 1
    assert _notification_kinds(api, account).count("recording.ready") == 1


# ---------------------------------------------------------------- PostgreSQL restart


@pytest.fixture
def pg_services() -> Iterator[tuple[Path, dict[str, str]]]:
    with private_services() as services:
        yield services


@pytest.fixture
def pg_stack(base_env: dict[str, str], pg_services: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Stack]:
    _, services = pg_services
    server_env = {
        **base_env,
        **FAST_LIVENESS,
        "DATABASE_URL": services["DATABASE_URL"],
        "REDIS_URL": services["REDIS_URL"],
    }
    with isolated_env(server_env, tmp_path / "var") as env:
        yield from run_stack(env, tmp_path / "logs")


@pytest.fixture
def pg_api(pg_stack: Stack) -> Iterator[Api]:
    yield from api_for(pg_stack)


def test_uploads_work_again_after_a_postgresql_restart_while_workers_are_idle(
    pg_api: Api, pg_stack: Stack, pg_services: tuple[Path, dict[str, str]], clip_small: Path
) -> None:
    directory, services = pg_services
    # Given a stack that has processed an upload (every process holds pooled connections)
    account = pg_api.register()
    _, recording = pg_api.process(account, clip_small)
    assert recording["status"] == "ready"

    # When PostgreSQL restarts while the workers are idle
    restart_postgres(directory, services["CADENZA_PG_BINDIR"])

    # Then the next upload is accepted and processed, with no process restarted
    _, recording = pg_api.process(account, clip_small)
    assert recording["status"] == "ready", recording
    assert all(proc.poll() is None for proc in pg_stack.processes.values())
