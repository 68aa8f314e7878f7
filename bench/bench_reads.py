"""Benchmark: the read path clients poll, Cadenza against a FastAPI + Pydantic v2 + SQLAlchemy ORM peer.

Both servers run on the same freshly migrated database (one owner, ``RECORDINGS`` ready
recordings with renditions and a five-step job each), one uvicorn process each, and answer the
same JSON. ``wrk`` (``CONNECTIONS`` connections, ``SECONDS`` per run) loads one endpoint at a
time, alternating Cadenza and the peer ``ROUNDS`` times so drift on this shared machine hits
both; the table shows the median of the rounds, and the ratio of Cadenza's throughput to the
peer's. Then Cadenza's web runs with ``WEB_CONCURRENCY=2`` (the Procfile line, two uvicorn
workers) to show how throughput grows from one process to two. Goals (printed, never asserted):
recording and job reads and a page of 50 at 5x the peer's throughput with p99 at most 100 ms;
``/health/live`` at 1.5x.

Environment: ``DATABASE_URL``, ``REDIS_URL`` (``make bench`` sets them), ``BENCH_READS_SECONDS``
(default 5), ``BENCH_READS_ROUNDS`` (default 2), ``BENCH_READS_CONNECTIONS`` (default 32).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable

import httpx

from bench import bench_logging
from bench.common import BENCH_DIR, fresh_database, require_env, table
from bench.wrk import Load, wrk
from core.settings import Settings
from storage.db import create_engine, create_session_factory
from tests.e2e.stack import Stack, free_port, procfile_commands
from tests.integration import reads_support as seed

SECONDS = int(os.environ.get("BENCH_READS_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_READS_ROUNDS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_READS_CONNECTIONS", "32"))
RECORDINGS = 60
SECRET_KEY = "bench-reads-secret-key-0123456789abcdef"  # noqa: S105 - a throw-away database's
PEER = ".venv/bin/uvicorn bench.peer.app:create_app --factory --host 127.0.0.1 --port $PORT --no-access-log"
GOALS = {"recording": 5.0, "job": 5.0, "page of 50": 5.0, "/health/live": 1.5}


def endpoints(recording_id: object, job_id: object) -> dict[str, str]:
    return {
        "recording": f"/api/v1/recordings/{recording_id}",
        "job": f"/api/v1/jobs/{job_id}",
        "page of 50": "/api/v1/recordings?limit=50",
        "/health/live": "/health/live",
    }


async def _seed(settings: Settings) -> tuple[seed.Account, object, object]:
    engine = create_engine(settings.database, pool_size=2)
    sessions = create_session_factory(engine)
    try:
        owner = await seed.account(sessions, settings)
        for _ in range(RECORDINGS - 1):
            await seed.recording(sessions, owner.id)
        recording_id, job_id = await seed.recording(sessions, owner.id)
        return owner, recording_id, job_id
    finally:
        await engine.dispose()


def _start(stack: Stack, name: str, command: str, workers: int = 1) -> str:
    port = free_port()
    stack.start_process(name, command, env={"PORT": str(port), "WEB_CONCURRENCY": str(workers)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/live", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not start:\n{stack.logs(name)}")


def _check_same_json(urls: dict[str, str], paths: dict[str, str], headers: dict[str, str]) -> None:
    """Both servers answer every endpoint 200 with the same keys (values differ only in signed URLs)."""
    for path in paths.values():
        bodies = [httpx.get(base + path, headers=headers, timeout=10) for base in urls.values()]
        for r in bodies:
            if r.status_code != 200:
                raise RuntimeError(f"{r.request.url}: {r.status_code} {r.text[:300]}")
        keys = [_shape(r.json()) for r in bodies]
        if keys[0] != keys[1]:
            raise RuntimeError(f"{path}: the two servers answer different JSON shapes:\n{keys[0]}\n{keys[1]}")


def _shape(value: object) -> object:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return type(value).__name__


def _measure(runs: dict[str, Callable[[], Load]]) -> dict[str, list[Load]]:
    """Every run ``ROUNDS`` times, alternating (and reversing the order each round)."""
    results: dict[str, list[Load]] = {name: [] for name in runs}
    names = list(runs)
    for round_no in range(ROUNDS):
        for name in names if round_no % 2 == 0 else reversed(names):
            results[name].append(runs[name]())
    return results


def _median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(x.requests_per_second for x in loads),
        statistics.median(x.p50_ms for x in loads),
        statistics.median(x.p99_ms for x in loads),
        sum(x.errors for x in loads),
    )


def main() -> list[dict[str, object]]:
    env = require_env("DATABASE_URL", "REDIS_URL")
    records: list[dict[str, object]] = [bench_logging.main()]
    with fresh_database(env["DATABASE_URL"], prefix="cadenza_bench_reads") as database_url:
        process_env = {
            "CADENZA_ENV": "development",
            "CADENZA_VAR_DIR": str(BENCH_DIR),
            "DATABASE_URL": database_url,
            "REDIS_URL": env["REDIS_URL"],
            "STORAGE_URL": f"file://{BENCH_DIR / 'objects'}",
            "SECRET_KEY": SECRET_KEY,
            "LOG_LEVEL": "INFO",
        }
        owner, recording_id, job_id = asyncio.run(_seed(Settings.from_env(process_env)))
        paths = endpoints(recording_id, job_id)
        stack = Stack(env=process_env, log_dir=BENCH_DIR / "logs-reads")
        try:
            records += _compare(stack, paths, owner.headers)
            records.append(_scale(stack, paths, owner.headers))
        except BaseException:
            print(stack.all_logs())
            raise
        finally:
            stack.stop()
    return records


def _compare(stack: Stack, paths: dict[str, str], headers: dict[str, str]) -> list[dict[str, object]]:
    urls = {"cadenza": _start(stack, "web", _web_command()), "peer": _start(stack, "peer", PEER)}
    _check_same_json(urls, paths, headers)
    print(f"one web process each; wrk, {CONNECTIONS} connections, {SECONDS} s runs, {ROUNDS} alternating rounds")
    rows, records = [], []
    for label, path in paths.items():
        for base in urls.values():  # warm-up: pools, prepared statements, caches
            wrk(base + path, seconds=1, connections=CONNECTIONS, headers=headers)
        runs = {
            name: (lambda base=base: wrk(base + path, seconds=SECONDS, connections=CONNECTIONS, headers=headers))
            for name, base in urls.items()
        }
        got = {name: _median(loads) for name, loads in _measure(runs).items()}
        c, p = got["cadenza"], got["peer"]
        ratio = c.requests_per_second / p.requests_per_second
        rows.append([
            label, f"{c.requests_per_second:.0f}", f"{p.requests_per_second:.0f}", f"{ratio:.2f}x",
            f"{c.p50_ms:.1f}", f"{p.p50_ms:.1f}", f"{c.p99_ms:.1f}", f"{p.p99_ms:.1f}",
            f"{GOALS[label]:.1f}x" + (", p99<=100" if label != "/health/live" else ""), c.errors + p.errors,
        ])
        records.append({
            "bench": "reads", "endpoint": label, "connections": CONNECTIONS, "seconds": SECONDS, "rounds": ROUNDS,
            "cadenza": _record(c), "peer": _record(p), "ratio": ratio,
        })
    headers_row = ["endpoint", "cadenza req/s", "peer req/s", "ratio", "c p50 ms", "p p50 ms", "c p99 ms",
                   "p p99 ms", "goal", "errors"]
    print(table(headers_row, rows))
    stack.stop_process("web")
    stack.stop_process("peer")
    return records


def _scale(stack: Stack, paths: dict[str, str], headers: dict[str, str]) -> dict[str, object]:
    """Cadenza alone: one web process, then two (``WEB_CONCURRENCY=2``), same endpoints."""
    per_workers: dict[int, dict[str, Load]] = {}
    for workers in (1, 2):
        base = _start(stack, "web", _web_command(), workers=workers)
        per_workers[workers] = {}
        for label, path in paths.items():
            wrk(base + path, seconds=1, connections=CONNECTIONS, headers=headers)
            loads = [wrk(base + path, seconds=SECONDS, connections=CONNECTIONS, headers=headers) for _ in range(ROUNDS)]
            per_workers[workers][label] = _median(loads)
        stack.stop_process("web")
    rows = []
    for label in paths:
        one, two = per_workers[1][label], per_workers[2][label]
        rows.append([label, f"{one.requests_per_second:.0f}", f"{two.requests_per_second:.0f}",
                     f"{two.requests_per_second / one.requests_per_second:.2f}x", f"{two.p99_ms:.1f}"])
    print(f"\nCadenza, WEB_CONCURRENCY=1 then 2 (this machine has {os.cpu_count()} cores, shared with PostgreSQL and wrk)")
    print(table(["endpoint", "1 process req/s", "2 processes req/s", "growth", "2 proc p99 ms"], rows))
    return {
        "bench": "reads-scaling",
        "per_workers": {w: {k: _record(v) for k, v in loads.items()} for w, loads in per_workers.items()},
    }


def _record(load: Load) -> dict[str, float]:
    return {"req_s": load.requests_per_second, "p50_ms": load.p50_ms, "p99_ms": load.p99_ms, "errors": load.errors}


def _web_command() -> str:
    return procfile_commands()["web"]
