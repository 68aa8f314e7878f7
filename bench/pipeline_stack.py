"""The pipeline benchmark's platform: every Procfile process, an upload timed until ready, step rows.

The ready moment is the recording's ``ready_at`` (written by ``finalize`` in the transaction that
makes the API report ``ready``), read once the API says ready; the client polls the API only twice
a second, so the polling itself takes next to no CPU from ffmpeg. Both clocks are this host's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.common import BENCH_DIR
from bench.upload_client import MAX_UPLOAD_BYTES, SECRET_KEY, Client
from tests.e2e.stack import Stack

POLL_SECONDS = 0.5
READY_TIMEOUT = 900.0
#: The private PostgreSQL and Redis of ``make bench``: their CPU is the platform's too.
SERVICE_PID_FILES = (BENCH_DIR / "pg" / "data" / "postmaster.pid", BENCH_DIR / "redis" / "redis.pid")


def start_stack(database_url: str, redis_url: str, objects: Path, log_dir: Path, **env: str) -> Stack:
    """Every line of the Procfile (web, relay, one worker group per queue), ready to take uploads."""
    base = {
        "CADENZA_ENV": "development",
        "CADENZA_VAR_DIR": str(BENCH_DIR),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORAGE_URL": f"file://{objects}",
        "SECRET_KEY": SECRET_KEY,
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
        "LOG_LEVEL": "INFO",
    }
    shutil.rmtree(log_dir, ignore_errors=True)
    stack = Stack(env={**base, **env}, log_dir=log_dir)
    try:
        stack.start()
    except BaseException:
        print(stack.all_logs())
        stack.stop()
        raise
    return stack


def _cpu_of_tree(pid: int) -> float:
    """CPU seconds of ``pid``, of its children already reaped, and of its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
    return own + sum(_cpu_of_tree(int(child)) for child in children)


def platform_cpu_seconds(stack: Stack) -> float:
    """CPU used so far by every Procfile process (ffmpeg included), PostgreSQL and Redis.

    Wall time on a shared 2-core machine moves with everyone else's load; CPU seconds barely do,
    so the platform's overhead over the bare command shows in them even on a busy day.
    """
    roots = [proc.pid for proc in stack.processes.values()]
    for pid_file in SERVICE_PID_FILES:
        with contextlib.suppress(OSError, ValueError, IndexError):
            roots.append(int(pid_file.read_text().split()[0]))
    return sum(_cpu_of_tree(pid) for pid in roots)


@dataclass(frozen=True, slots=True)
class Processed:
    recording_id: str
    seconds: float  # POST started → ready_at
    cpu_seconds: float  # the platform's CPU from the POST until ready was seen
    hops: dict[str, float]  # step → enqueued_at..started_at seconds
    renditions: dict[str, tuple[str, int]]  # name → (storage key, bytes)


def upload_until_ready(client: Client, path: Path, database_url: str, stack: Stack) -> Processed:
    """POST ``path``, wait until the API reports the recording ready, then read its timings."""
    cpu = platform_cpu_seconds(stack)
    started = time.time()
    body = client.upload(path, path.stat().st_size)
    recording_id = str(body["id"])
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        r = client.http.get(f"/api/v1/recordings/{recording_id}", headers=client.headers)
        status = r.json().get("status") if r.status_code == 200 else None
        if status == "ready":
            break
        if status == "failed" or time.monotonic() > deadline:
            raise RuntimeError(f"recording {recording_id} did not become ready: {r.status_code} {r.text[:300]}")
        time.sleep(POLL_SECONDS)
    cpu = platform_cpu_seconds(stack) - cpu
    ready_at, hops, renditions = asyncio.run(_timings(database_url, recording_id))
    return Processed(recording_id, ready_at - started, cpu, hops, renditions)


def wait_job_done(client: Client, recording_id: str) -> None:
    """Until the job's last step (``notify``) has finished, so its hop is recorded too."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = client.http.get(f"/api/v1/recordings/{recording_id}", headers=client.headers)
        job = client.http.get(f"/api/v1/jobs/{r.json()['job_id']}", headers=client.headers).json()
        if job.get("state") in ("succeeded", "failed"):
            return
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the job of recording {recording_id} did not finish")


async def _timings(
    database_url: str, recording_id: str
) -> tuple[float, dict[str, float], dict[str, tuple[str, int]]]:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        rid = uuid.UUID(recording_id)
        ready_at = await conn.fetchval("SELECT ready_at FROM recordings WHERE id = $1", rid)
        steps = await conn.fetch(
            "SELECT s.name, EXTRACT(EPOCH FROM s.started_at - s.enqueued_at) AS hop FROM job_steps s"
            " JOIN jobs j ON j.id = s.job_id WHERE j.recording_id = $1 AND s.started_at IS NOT NULL",
            rid,
        )
        rows = await conn.fetch("SELECT name, storage_key, size_bytes FROM renditions WHERE recording_id = $1", rid)
    finally:
        await conn.close()
    hops = {row["name"]: float(row["hop"]) for row in steps}
    return ready_at.timestamp(), hops, {row["name"]: (row["storage_key"], row["size_bytes"]) for row in rows}


async def _all_hops(database_url: str, recording_ids: list[str]) -> list[tuple[str, float, float, float]]:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT s.name, EXTRACT(EPOCH FROM s.started_at - s.enqueued_at) AS hop,"
            " EXTRACT(EPOCH FROM o.sent_at - s.enqueued_at) AS relay FROM job_steps s"
            " JOIN jobs j ON j.id = s.job_id"
            " JOIN LATERAL (SELECT max(sent_at) AS sent_at FROM outbox WHERE args->>0 = s.job_id::text"
            "   AND actor_name = s.name AND sent_at <= s.started_at) o ON true"
            " WHERE j.recording_id = ANY($1::uuid[]) AND s.started_at IS NOT NULL",
            [uuid.UUID(r) for r in recording_ids],
        )
    finally:
        await conn.close()
    return [
        (r["name"], float(r["hop"]), float(r["relay"] or 0.0), float(r["hop"]) - float(r["relay"] or 0.0)) for r in rows
    ]


def hops_of(database_url: str, recording_ids: list[str]) -> list[tuple[str, float, float, float]]:
    """Every step's queue hop of these recordings' jobs, in seconds: (step, whole hop, relay, pick-up).

    The relay part runs from ``enqueued_at`` (the previous step's commit) to the outbox row's
    ``sent_at`` (published to Redis); the pick-up part from there to the step's ``started_at``.
    """
    return asyncio.run(_all_hops(database_url, recording_ids))
