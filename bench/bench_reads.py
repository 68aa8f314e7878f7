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
import functools
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bench import bench_logging
from bench.common import BENCH_DIR, find_process, fresh_database, require_env, table
from bench.cpu import postmaster_pid, tree_cpu_seconds
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


def _start(stack: Stack, name: str, command: str, workers: int = 1) -> tuple[str, int]:
    """Start a server; its URL and the pid of its uvicorn process (the root of its workers)."""
    port = free_port()
    stack.start_process(name, command, env={"PORT": str(port), "WEB_CONCURRENCY": str(workers)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/live", timeout=2).status_code == 200:
                return url, find_process(stack.processes[name].pid, "uvicorn")
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not start:\n{stack.logs(name)}")


@dataclass(frozen=True, slots=True)
class Run:
    """One server under load: what wrk saw, and CPU milliseconds per request (server; PostgreSQL)."""

    load: Load
    server_cpu_ms: float
    postgres_cpu_ms: float


def _loaded(url: str, server_pid: int, headers: dict[str, str]) -> Run:
    postmaster = postmaster_pid()
    before = tree_cpu_seconds(server_pid), tree_cpu_seconds(postmaster) if postmaster else 0.0
    load = wrk(url, seconds=SECONDS, connections=CONNECTIONS, headers=headers)
    after = tree_cpu_seconds(server_pid), tree_cpu_seconds(postmaster) if postmaster else 0.0
    requests = max(load.requests_per_second * SECONDS, 1.0)
    return Run(load, (after[0] - before[0]) * 1000 / requests, (after[1] - before[1]) * 1000 / requests)


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


def _alternating(runs: dict[str, Callable[[], Run]]) -> dict[str, Run]:
    """Every run ``ROUNDS`` times, alternating (the order reversed each round); the medians."""
    results: dict[str, list[Run]] = {name: [] for name in runs}
    names = list(runs)
    for round_no in range(ROUNDS):
        for name in names if round_no % 2 == 0 else reversed(names):
            results[name].append(runs[name]())
    return {name: _median(got) for name, got in results.items()}


def _median(runs: list[Run]) -> Run:
    load = Load(
        statistics.median(r.load.requests_per_second for r in runs),
        statistics.median(r.load.p50_ms for r in runs),
        statistics.median(r.load.p99_ms for r in runs),
        sum(r.load.errors for r in runs),
    )
    server = statistics.median(r.server_cpu_ms for r in runs)
    postgres = statistics.median(r.postgres_cpu_ms for r in runs)
    return Run(load, server, postgres)


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
    servers = {"cadenza": _start(stack, "web", _web_command()), "peer": _start(stack, "peer", PEER)}
    _check_same_json({name: url for name, (url, _) in servers.items()}, paths, headers)
    print(f"\none web process each; wrk, {CONNECTIONS} connections, {SECONDS} s runs, {ROUNDS} alternating rounds")
    rows, records = [], []
    for label, path in paths.items():
        for url, _ in servers.values():  # warm-up: pools, prepared statements, caches
            wrk(url + path, seconds=1, connections=CONNECTIONS, headers=headers)
        runs = {name: functools.partial(_loaded, url + path, pid, headers) for name, (url, pid) in servers.items()}
        got = _alternating(runs)
        c, p = got["cadenza"], got["peer"]
        rows.append(_row(label, c, p))
        records.append({"bench": "reads", "endpoint": label, "cadenza": _record(c), "peer": _record(p)})
    print(table(COMPARE_HEADERS, rows))
    print("goal: the ratio of req/s; p99 <= 100 ms for the API reads. CPU ratio: the peer's web+PG CPU per request")
    print("over Cadenza's, what the throughput ratio tends to when both get the same CPU.")
    stack.stop_process("web")
    stack.stop_process("peer")
    return records


def _scale(stack: Stack, paths: dict[str, str], headers: dict[str, str]) -> dict[str, object]:
    """Cadenza alone: one web process, then two (``WEB_CONCURRENCY=2``), same endpoints."""
    per_workers: dict[int, dict[str, Run]] = {}
    for workers in (1, 2):
        url, pid = _start(stack, "web", _web_command(), workers=workers)
        per_workers[workers] = {}
        for label, path in paths.items():
            wrk(url + path, seconds=1, connections=CONNECTIONS, headers=headers)
            per_workers[workers][label] = _median([_loaded(url + path, pid, headers) for _ in range(ROUNDS)])
        stack.stop_process("web")
    rows = []
    for label in paths:
        one, two = per_workers[1][label], per_workers[2][label]
        rps = f"{one.load.requests_per_second:.0f}", f"{two.load.requests_per_second:.0f}"
        rows.append([label, *rps, _ratio(two.load, one.load), f"{one.load.p99_ms:.1f}", f"{two.load.p99_ms:.1f}"])
    print(f"\nCadenza, WEB_CONCURRENCY=1 then 2 ({os.cpu_count()} cores here, shared with PostgreSQL and wrk)")
    print(table(["endpoint", "1 process req/s", "2 processes req/s", "growth", "p99 ms (1)", "p99 ms (2)"], rows))
    return {
        "bench": "reads-scaling",
        "per_workers": {w: {k: _record(v) for k, v in runs.items()} for w, runs in per_workers.items()},
    }


COMPARE_HEADERS = [
    "endpoint",
    "cadenza req/s",
    "peer req/s",
    "ratio",
    "p50 ms c/p",
    "p99 ms c/p",
    "web CPU ms/req c/p",
    "PG CPU ms/req c/p",
    "CPU ratio",
    "goal",
    "errors",
]


def _row(label: str, c: Run, p: Run) -> list[object]:
    """One line of the comparison: Cadenza (c) beside the peer (p)."""
    return [
        label,
        f"{c.load.requests_per_second:.0f}",
        f"{p.load.requests_per_second:.0f}",
        _ratio(c.load, p.load),
        f"{c.load.p50_ms:.1f} / {p.load.p50_ms:.1f}",
        f"{c.load.p99_ms:.1f} / {p.load.p99_ms:.1f}",
        f"{c.server_cpu_ms:.2f} / {p.server_cpu_ms:.2f}",
        f"{c.postgres_cpu_ms:.2f} / {p.postgres_cpu_ms:.2f}",
        _cpu_ratio(c, p),
        f"{GOALS[label]:.1f}x",
        c.load.errors + p.load.errors,
    ]


def _ratio(a: Load, b: Load) -> str:
    return f"{a.requests_per_second / b.requests_per_second:.2f}x" if b.requests_per_second else "-"


def _cpu_ratio(cadenza: Run, peer: Run) -> str:
    mine = cadenza.server_cpu_ms + cadenza.postgres_cpu_ms
    return f"{(peer.server_cpu_ms + peer.postgres_cpu_ms) / mine:.2f}x" if mine else "-"


def _record(run: Run) -> dict[str, float]:
    load = run.load
    return {
        "req_s": load.requests_per_second,
        "p50_ms": load.p50_ms,
        "p99_ms": load.p99_ms,
        "errors": load.errors,
        "web_cpu_ms": run.server_cpu_ms,
        "postgres_cpu_ms": run.postgres_cpu_ms,
    }


def _web_command() -> str:
    return procfile_commands()["web"]
