"""Prometheus metrics of the web process: ``GET /metrics``.

Request count, latency and in-progress gauges come from ``api.request_metrics``, with the route
template as the path label (no per-id series). Queue depths are read when scraped, from
Dramatiq's Redis keys and the outbox, so every web replica reports the same shared numbers.

A scrape costs a Redis SCAN and a database query, and the API listener is public, so ``/metrics``
answers only ``Authorization: Bearer <METRICS_TOKEN>`` (401 before any work otherwise), and is not
served at all (404) while ``METRICS_TOKEN`` is unset.
"""

from __future__ import annotations

import hmac
import logging

from litestar import Controller, Request, Response, get
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from api.context import AppContext
from core.errors import NotFound, Unauthorized
from core.queues import QUEUES
from core.transient import TRANSIENT_ERRORS
from storage.queue_stats import broker_depths, delayed_counts

log = logging.getLogger("cadenza.metrics")

QUEUE_MESSAGES = Gauge(
    "cadenza_queue_messages",
    "Messages per work queue: waiting and in_flight in the broker, dead letters, delayed in the outbox",
    ["queue", "state"],
)
BROKER_UP = Gauge("cadenza_broker_up", "1 when the broker (Redis) answered the last scrape, else 0")


class MetricsController(Controller):
    path = "/metrics"
    include_in_schema = False

    @get("/", media_type=CONTENT_TYPE_LATEST)
    async def metrics(self, request: Request, ctx: AppContext) -> Response[bytes]:
        _require_metrics_token(ctx.settings.metrics_token, request)
        await _refresh_queue_gauges(ctx)
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def _require_metrics_token(expected: str | None, request: Request) -> None:
    if expected is None:
        raise NotFound("metrics are not served here: set METRICS_TOKEN to enable them", error_code="not_found")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Unauthorized("metrics need Authorization: Bearer <METRICS_TOKEN>", error_code="metrics_token_required")


async def _refresh_queue_gauges(ctx: AppContext) -> None:
    try:
        depths = await broker_depths(ctx.redis)
    except TRANSIENT_ERRORS as exc:
        log.warning("queue depths unavailable", extra={"error": type(exc).__name__})
        BROKER_UP.set(0)
    else:
        BROKER_UP.set(1)
        for queue, (waiting, in_flight, dead) in depths.items():
            QUEUE_MESSAGES.labels(queue, "waiting").set(waiting)
            QUEUE_MESSAGES.labels(queue, "in_flight").set(in_flight)
            QUEUE_MESSAGES.labels(queue, "dead").set(dead)
    async with ctx.sessions() as session:
        delayed = await delayed_counts(session)
    for queue in QUEUES:
        QUEUE_MESSAGES.labels(queue, "delayed").set(delayed.get(queue, 0))
