"""``/metrics`` answers only the operator's token, and anonymous requests to the public listener
cost no Redis SCAN; ``/health/ready`` coalesces its backend checks (issue 11 item 11)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from redis import Redis

from core.settings import Settings
from tests.integration.live_app import error_code, live_app


@pytest.fixture(scope="module")
def base_url(settings: Settings) -> Iterator[str]:
    assert settings.metrics_token
    with live_app(settings) as url:
        yield url


def calls(redis_url: str, command: str) -> int:
    with Redis.from_url(redis_url) as redis:
        stats = redis.info("commandstats").get(f"cmdstat_{command}")
    return int(stats["calls"]) if stats else 0


def test_anonymous_scrapes_are_refused_before_any_work(base_url: str, redis_url: str) -> None:
    before = calls(redis_url, "scan")
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"Authorization": "Basic abc"}):
        r = httpx.get(f"{base_url}/metrics", headers=headers)
        assert error_code(r, 401) == "metrics_token_required"
    assert calls(redis_url, "scan") == before


def test_the_operator_token_scrapes(base_url: str, settings: Settings) -> None:
    r = httpx.get(f"{base_url}/metrics", headers={"Authorization": f"Bearer {settings.metrics_token}"})
    assert r.status_code == 200 and "cadenza_queue_messages" in r.text


def test_without_a_token_configured_metrics_are_not_served(settings: Settings) -> None:
    with live_app(settings.replace(metrics_token=None)) as url:
        assert error_code(httpx.get(f"{url}/metrics"), 404) == "not_found"


def test_a_burst_of_readiness_probes_shares_one_check(base_url: str, redis_url: str) -> None:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            return await asyncio.gather(*(client.get("/health/ready") for _ in range(40)))

    before = calls(redis_url, "ping")
    answers = asyncio.run(burst())
    assert all(r.status_code == 200 and r.json()["status"] == "ok" for r in answers)
    assert calls(redis_url, "ping") - before <= 10
