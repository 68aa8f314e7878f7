"""Prometheus metrics of a worker group: step duration and failures by error code.

A Dramatiq worker group is one main process and several worker processes, so the metrics use
prometheus_client's multiprocess mode: each worker process writes its samples to files in
``{CADENZA_VAR_DIR}/metrics/worker-{port}``, and one exposition server (a Dramatiq "fork"
process, started by the main process) adds them up and serves them on ``WORKER_METRICS_PORT``
(``GET /metrics``). With the port unset (0) the group exports nothing.
"""

from __future__ import annotations

import logging
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import dramatiq

log = logging.getLogger("cadenza.worker")

#: Step run time buckets, seconds: from a notification to a long render.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
_metrics: dict[str, Any] = {}


def metrics_dir(var_dir: Path, port: int) -> Path:
    return var_dir / "metrics" / f"worker-{port}"


class WorkerMetrics(dramatiq.Middleware):
    """Sets up multiprocess metrics in each worker process and starts the exposition server."""

    def __init__(self, var_dir: Path, port: int) -> None:
        self.directory = metrics_dir(var_dir, port)
        self.port = port

    @property
    def forks(self) -> list[Any]:
        return [serve_metrics] if self.port else []

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        if not self.port:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        _forget_dead_processes(self.directory)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(self.directory)
        _create_metrics()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if self.port:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(os.getpid(), str(self.directory))


def observe_step(step: str, queue: str, outcome: str, seconds: float, error_code: str | None = None) -> None:
    """Record one finished run of a step (``outcome``: succeeded, failed, retried, handed_back)."""
    if not _metrics:
        return
    _metrics["seconds"].labels(step, queue, outcome).observe(seconds)
    if error_code is not None:
        _metrics["failures"].labels(step, queue, error_code).inc()


def _create_metrics() -> None:
    # After PROMETHEUS_MULTIPROC_DIR is set: prometheus_client picks its storage at creation.
    from prometheus_client import Counter, Histogram

    _metrics["seconds"] = Histogram(
        "cadenza_step_duration_seconds",
        "Run time of pipeline steps, by step, queue and outcome",
        ["step", "queue", "outcome"],
        buckets=BUCKETS,
    )
    _metrics["failures"] = Counter(
        "cadenza_step_failures_total",
        "Failed step runs (retried or final), by step, queue and error code",
        ["step", "queue", "error_code"],
    )


def _forget_dead_processes(directory: Path) -> None:
    """Drop the sample files of processes that no longer run (a restart starts from zero)."""
    for path in directory.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve_metrics() -> int:
    """The exposition server (a Dramatiq fork process): sums the worker processes' samples."""
    from core.settings import load_settings

    settings = load_settings()
    port = settings.workers.metrics_port
    directory = metrics_dir(settings.var_dir, port)
    directory.mkdir(parents=True, exist_ok=True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

            if self.path.rstrip("/") not in ("", "/metrics"):
                self.send_error(404)
                return
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=str(directory))
            body = generate_latest(registry)
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            return

    host = os.environ.get("WORKER_METRICS_HOST", "127.0.0.1")
    try:
        server = HTTPServer((host, port), Handler)
    except OSError as exc:
        log.error("worker metrics server could not start", extra={"port": port, "error": str(exc)})
        return 1
    log.info("worker metrics server listening", extra={"host": host, "port": port})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
