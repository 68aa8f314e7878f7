"""The web process's request series (``api.request_metrics``): counted by method, route template and
status; server errors counted apart; probes and scrapes not counted; nothing left in progress.

In-process (``create_app`` + Litestar's test client) on the session's real PostgreSQL and Redis;
the series are read from the process's Prometheus registry, as ``GET /metrics`` renders them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from api.app import create_app
from api.request_metrics import RequestMetrics
from core.settings import Settings

pytestmark = pytest.mark.asyncio

RECORDING = "/api/v1/recordings/{recording_id}"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"app_name": "cadenza", **labels}) or 0.0


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def test_requests_are_counted_by_route_template_and_status(client: AsyncTestClient) -> None:
    before = {
        status: _value("cadenza_requests_total", method="GET", path=RECORDING, status_code=status)
        for status in ("401", "404")
    }
    latency = _value("cadenza_request_duration_seconds_count", method="GET", path=RECORDING, status_code="401")

    # When two recordings are asked for without a token (401), and one with a token that is not one
    for _ in range(2):
        assert (await client.get(f"/api/v1/recordings/{uuid.uuid4()}")).status_code == 401
    r = await client.get(f"/api/v1/recordings/{uuid.uuid4()}", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401

    # Then one series per template and status (no series per id), with their latencies
    assert _value("cadenza_requests_total", method="GET", path=RECORDING, status_code="401") == before["401"] + 3
    assert _value("cadenza_requests_total", method="GET", path=RECORDING, status_code="404") == before["404"]
    assert (
        _value("cadenza_request_duration_seconds_count", method="GET", path=RECORDING, status_code="401")
        == latency + 3
    )
    in_progress = _value("cadenza_requests_in_progress", method="GET", path=RECORDING, status_code="200")
    assert in_progress == 0


def _paths_counted() -> set[str]:
    return {
        sample.labels["path"]
        for metric in REGISTRY.collect()
        if metric.name == "cadenza_requests"
        for sample in metric.samples
        if sample.name == "cadenza_requests_total"
    }


async def test_probes_and_scrapes_are_not_counted(client: AsyncTestClient) -> None:
    assert (await client.get("/health/live")).status_code == 200
    assert (await client.get("/health/ready")).status_code in (200, 503)
    await client.get("/metrics")
    assert (await client.get("/api/v1/auth/me")).status_code == 401  # counted, for contrast
    counted = _paths_counted()
    assert "/api/v1/auth/me" in counted
    assert not {path for path in counted if path.startswith(("/health", "/metrics"))}


async def test_server_errors_are_counted_apart() -> None:
    @get("/boom-for-metrics", sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    app = Litestar([boom], middleware=[RequestMetrics])
    errors = _value("cadenza_requests_error_total", method="GET", path="/boom-for-metrics", status_code="500")
    async with AsyncTestClient(app=app) as test_client:
        assert (await test_client.get("/boom-for-metrics")).status_code == 500
    after = _value("cadenza_requests_error_total", method="GET", path="/boom-for-metrics", status_code="500")
    assert after == errors + 1
    assert _value("cadenza_requests_total", method="GET", path="/boom-for-metrics", status_code="500") >= 1
