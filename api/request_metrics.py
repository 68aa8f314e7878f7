"""Request count, latency, errors and in-progress requests of the web process, for ``/metrics``.

The series are those Litestar's ``PrometheusMiddleware`` recorded (same names, labels and
buckets, so dashboards and alerts keep working): ``cadenza_requests_total``,
``cadenza_request_duration_seconds``, ``cadenza_requests_error_total`` (status 500 and over) and
``cadenza_requests_in_progress``, labelled ``method``, ``path`` (the route's template, so no
series per id), ``status_code`` and ``app_name``. Litestar's middleware built a ``Request``, a
label dict and four label lookups (each under the metric's lock) for every request: about a tenth
of a polled read's CPU. Here each label set's children are looked up once and kept.

Liveness, readiness and ``/metrics`` itself are not counted.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

APP_NAME = "cadenza"
LABELS = ["method", "path", "status_code", "app_name"]
#: Not counted: probes and scrapes (they would drown the API's own series).
EXCLUDED_PREFIXES = ("/metrics", "/health/")

REQUESTS = Counter("cadenza_requests_total", "Total requests", LABELS)
DURATION = Histogram("cadenza_request_duration_seconds", "Request duration, in seconds", LABELS)
ERRORS = Counter("cadenza_requests_error_total", "Total errors in requests", LABELS)
IN_PROGRESS = Gauge(
    "cadenza_requests_in_progress", "Total requests currently in progress", LABELS, multiprocess_mode="livesum"
)
#: A request in progress has no status yet; the label keeps the value Litestar's middleware gave it.
_IN_PROGRESS_STATUS = "200"


class RequestMetrics:
    """Route middleware (it runs after routing, where ``scope["path_template"]`` is known)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._done: dict[tuple[str, str, int], tuple[Counter, Histogram, Counter | None]] = {}
        self._running: dict[tuple[str, str], Gauge] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXCLUDED_PREFIXES):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path_template"]
        running = self._running.get((method, path)) or self._running_child(method, path)
        status = 200

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        running.inc()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            running.dec()
            count, duration, errors = self._done.get((method, path, status)) or self._done_children(
                method, path, status
            )
            count.inc()
            duration.observe(time.perf_counter() - started)
            if errors is not None:
                errors.inc()

    def _running_child(self, method: str, path: str) -> Gauge:
        child = self._running[(method, path)] = IN_PROGRESS.labels(method, path, _IN_PROGRESS_STATUS, APP_NAME)
        return child

    def _done_children(self, method: str, path: str, status: int) -> tuple[Counter, Histogram, Counter | None]:
        values = (method, path, str(status), APP_NAME)
        errors = ERRORS.labels(*values) if status >= 500 else None  # noqa: PLR2004 - server errors
        children = self._done[(method, path, status)] = (REQUESTS.labels(*values), DURATION.labels(*values), errors)
        return children
