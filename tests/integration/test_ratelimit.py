"""The Redis sliding-window limiter on a real Redis: counts, windows, several counters at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from api.ratelimit import RateLimiter, counter
from core.errors import RateLimited, ServiceUnavailable
from core.limits import RateLimit


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def _key(kind: str) -> str:
    return counter("test", kind, uuid.uuid4().hex)


async def test_the_limit_plus_one_is_refused_with_the_wait(redis: Redis) -> None:
    limiter, key = RateLimiter(redis), _key("ip")
    for _ in range(3):
        await limiter.hit(RateLimit(3, 60), key)
    with pytest.raises(RateLimited) as refused:
        await limiter.hit(RateLimit(3, 60), key)
    assert refused.value.error_code == "rate_limited"
    assert 59 <= int(refused.value.headers["Retry-After"]) <= 60


async def test_a_slot_frees_up_when_the_oldest_hit_leaves_the_window(redis: Redis) -> None:
    limiter, key = RateLimiter(redis), _key("ip")
    await limiter.hit(RateLimit(2, 1), key)
    await asyncio.sleep(0.6)
    await limiter.hit(RateLimit(2, 1), key)
    with pytest.raises(RateLimited):
        await limiter.hit(RateLimit(2, 1), key)
    await asyncio.sleep(0.5)  # the first hit is now older than the 1 s window
    await limiter.hit(RateLimit(2, 1), key)
    with pytest.raises(RateLimited):
        await limiter.hit(RateLimit(2, 1), key)


async def test_refused_requests_are_not_counted_anywhere(redis: Redis) -> None:
    limiter, ip, account = RateLimiter(redis), _key("ip"), _key("account")
    await limiter.hit(RateLimit(1, 60), account)
    # The account counter is full: the request is refused and the IP counter stays untouched
    for _ in range(3):
        with pytest.raises(RateLimited):
            await limiter.hit(RateLimit(1, 60), ip, account)
    await limiter.hit(RateLimit(1, 60), ip)


async def test_concurrent_hits_never_exceed_the_limit(redis: Redis) -> None:
    limiter, key = RateLimiter(redis), _key("ip")
    results = await asyncio.gather(*(limiter.hit(RateLimit(5, 60), key) for _ in range(40)), return_exceptions=True)
    assert sum(r is None for r in results) == 5
    assert all(isinstance(r, RateLimited) for r in results if r is not None)


async def test_no_limit_means_no_redis_call() -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    await RateLimiter(unreachable).hit(None, "k")
    with pytest.raises(ServiceUnavailable) as down:
        await RateLimiter(unreachable).hit(RateLimit(1, 1), "k")
    assert down.value.error_code == "rate_limit_unavailable" and down.value.headers["Retry-After"]
    await unreachable.aclose()


def test_counter_keys_do_not_hold_identities() -> None:
    key = counter("login", "account", "Clara@Example.org ")
    assert key == counter("login", "account", "clara@example.org")
    assert "clara" not in key.lower() and key.startswith("cadenza:ratelimit:login:account:")
