"""In-flight steps of a worker process: what its heartbeat reports, and handing steps back."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import socket
import time

import pytest

from core.settings import Settings, SettingsError
from core.worker_settings import WorkerSettings
from pipelines.runner import live_children, run_process
from storage.heartbeats import RunningStep, WorkerHeartbeat
from workers.heartbeat_writer import HeartbeatThread
from workers.inflight import HandedBack, InFlight
from workers.middleware import GracefulShutdown

NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def test_a_heartbeat_survives_its_json_and_garbage_reads_as_none() -> None:
    beat = WorkerHeartbeat(
        worker="h:1",
        host="h",
        pid=1,
        queues=("transcode",),
        started_at=NOW,
        beat_at=NOW,
        processed=7,
        stopping=True,
        current=(RunningStep(job_id="j", step="render", since=NOW),),
    )
    assert WorkerHeartbeat.from_json(beat.to_json()) == beat
    assert beat.runs("j", "render") and not beat.runs("j", "thumbnails")
    assert WorkerHeartbeat.from_json(b"not json") is None
    assert WorkerHeartbeat.from_json('{"worker": "h:1"}') is None


async def test_a_step_is_reported_from_before_its_claim_until_after_its_outcome() -> None:
    inflight = InFlight()
    entry = inflight.begin("job-1", "render")
    assert await entry.run(asyncio.sleep(0, result="done")) == "done"
    _, running, processed, _ = inflight.snapshot()
    assert [(s.job_id, s.step) for s in running] == [("job-1", "render")] and processed == 0
    inflight.end(entry)
    _, running, processed, _ = inflight.snapshot()
    assert running == () and processed == 1


async def test_handing_back_stops_the_handler_and_kills_its_ffmpeg() -> None:
    # Given a handler waiting on a child process (as render waits on ffmpeg)
    inflight = InFlight()
    entry = inflight.begin("job-1", "render")
    task = asyncio.create_task(entry.run(run_process(["sleep", "30"], timeout=60)))
    while not live_children():
        await asyncio.sleep(0.01)
    (child,) = live_children()

    # When the grace period is over (the shutdown timer runs in another thread)
    assert await asyncio.to_thread(inflight.hand_back_all) == 1

    # Then the step is handed back and its child is gone, reaped
    with pytest.raises(HandedBack):
        await task
    assert live_children() == frozenset()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


async def test_a_handler_starting_after_the_grace_period_is_handed_back_without_running() -> None:
    inflight = InFlight()
    inflight.hand_back_all()
    ran = False

    async def handler() -> None:
        nonlocal ran
        ran = True

    with pytest.raises(HandedBack):
        await inflight.begin("job-1", "probe").run(handler())
    assert not ran


async def test_cancelling_the_step_itself_is_not_mistaken_for_a_hand_back() -> None:
    inflight = InFlight()
    entry = inflight.begin("job-1", "render")
    task = asyncio.create_task(entry.run(asyncio.sleep(30)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_a_heartbeat_without_redis_is_skipped_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = WorkerSettings(heartbeat_interval_seconds=1, heartbeat_timeout_seconds=2)
    thread = HeartbeatThread(f"redis://127.0.0.1:{port}/0", settings, ("ingest",), InFlight())
    thread.start()
    time.sleep(1.3)  # two beats
    assert thread.is_alive()
    thread.stop()
    assert not thread.is_alive()
    assert [r.getMessage() for r in caplog.records].count("heartbeat not written; retrying every interval") == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HEARTBEAT_INTERVAL_SECONDS": "0"}, "HEARTBEAT_INTERVAL_SECONDS must be at least 1"),
        ({"HEARTBEAT_TIMEOUT_SECONDS": "9"}, "HEARTBEAT_TIMEOUT_SECONDS (9) must be at least twice"),
        ({"WORKER_SHUTDOWN_GRACE_SECONDS": "soon"}, "WORKER_SHUTDOWN_GRACE_SECONDS must be a whole number"),
    ],
)
def test_worker_timings_are_validated_at_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env({"SECRET_KEY": "a-private-secret-key-0123456789", "HEARTBEAT_INTERVAL_SECONDS": "5", **env})


def test_worker_timings_default_and_a_zero_grace_hands_back_at_once() -> None:
    key = {"SECRET_KEY": "a-private-secret-key-0123456789"}
    assert Settings.from_env(key).workers == WorkerSettings(5, 30, 10)
    assert Settings.from_env({**key, "WORKER_SHUTDOWN_GRACE_SECONDS": "0"}).workers.shutdown_grace_seconds == 0


async def test_on_sigterm_a_step_that_finishes_within_the_grace_period_is_left_alone() -> None:
    # Given a worker running a short step and a long one
    inflight = InFlight()
    short = asyncio.create_task(inflight.begin("job-1", "probe").run(asyncio.sleep(0.1, result="probed")))
    long = asyncio.create_task(inflight.begin("job-2", "render").run(asyncio.sleep(30)))
    await asyncio.sleep(0)

    # When the worker is told to stop, with half a second of grace
    shutdown = GracefulShutdown(grace_seconds=0.5, inflight=inflight)
    started = time.monotonic()
    shutdown.before_worker_shutdown(None, None)  # type: ignore[arg-type]

    # Then the short step finishes normally, and the long one is handed back once the grace is over
    assert await short == "probed"
    with pytest.raises(HandedBack):
        await long
    assert 0.5 <= time.monotonic() - started < 5
    shutdown.after_worker_shutdown(None, None)  # type: ignore[arg-type]
