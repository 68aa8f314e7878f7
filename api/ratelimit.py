"""Rate limits shared by every web process: sliding windows counted atomically in Redis.

Litestar's own ``RateLimitMiddleware`` counts per process and is not atomic on a shared store
(DESIGN §8), so the counting is one Lua script: it drops hits older than the window, checks every
counter the request touches (say, the client IP and the account), and records the hit in all of
them only if none is full. Redis's own clock is used, so web hosts with skewed clocks agree.

**Redis down: fail closed.** The limited endpoints (login, register, password and verification
mails) answer 503 ``rate_limit_unavailable`` with ``Retry-After`` rather than allow unlimited
password guessing. Sessions already open keep working (access tokens, refresh), and so do uploads.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import uuid
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from litestar import Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.errors import RateLimited, ServiceUnavailable
from core.limits import RateLimit
from core.redis_keys import ratelimit_key

log = logging.getLogger("cadenza.ratelimit")
T = TypeVar("T")

#: KEYS: one sorted set per counter. ARGV[1]: a unique member for this hit, then for each key its
#: limit and window (ms). Returns 0 (hit recorded) or the milliseconds until a slot frees up.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(blocking[2]) + window - now)
  end
end
if wait > 0 then
  return wait
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""

#: Seconds a client is told to wait when Redis cannot be asked.
UNAVAILABLE_RETRY_AFTER = 5


def client_ip(request: Request) -> str:
    """The peer address as uvicorn reports it (it applies ``X-Forwarded-For`` only from the
    proxies in ``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default)."""
    return request.client.host if request.client and request.client.host else "unknown"


def counter(scope: str, kind: str, identity: str) -> str:
    """A counter's key: ``scope`` is the limit (login, password…), ``kind`` ip or account.
    Identities are hashed so no e-mail address or login name is kept in Redis."""
    digest = hashlib.sha256(identity.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return ratelimit_key(scope, kind, digest)


class RateLimiter:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def hit(self, limit: RateLimit | None, *keys: str) -> None:
        """Count one request against every counter in ``keys`` under ``limit`` (``None``: no limit).

        Raises:
            RateLimited: a counter is full (429 with ``Retry-After``).
            ServiceUnavailable: Redis cannot be reached (fail closed, 503).
        """
        await self.take([(limit, key) for key in keys])

    async def take(self, counters: Sequence[tuple[RateLimit | None, str]]) -> str:
        """Count one request against each ``(limit, key)`` (a ``None`` limit is skipped), all or none.

        Returns:
            the hit's member id, for ``forget`` (a success that should not count after all).
        Raises:
            RateLimited, ServiceUnavailable: as ``hit``.
        """
        member = uuid.uuid4().hex
        active = [(limit, key) for limit, key in counters if limit is not None]
        if not active:
            return member
        args: list[str | int] = [member]
        for limit, _ in active:
            args += [limit.count, limit.seconds * 1000]
        keys = [key for _, key in active]
        wait_ms = int(await self._redis_call(self.redis.eval(_SLIDING_WINDOW, len(keys), *keys, *args)))
        if wait_ms > 0:
            seconds = max(1, math.ceil(wait_ms / 1000))
            raise RateLimited(f"too many attempts; try again in {seconds} s", headers={"Retry-After": str(seconds)})
        return member

    async def allows(self, limit: RateLimit | None, key: str) -> bool:
        """Like ``hit`` for one counter, but a full counter answers False instead of raising."""
        try:
            await self.take([(limit, key)])
        except RateLimited:
            return False
        return True

    async def forget(self, member: str, *keys: str) -> None:
        """Take the hit ``member`` back out of ``keys`` (best effort)."""
        with contextlib.suppress(RedisError):
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.zrem(key, member)
                await pipe.execute()

    async def clear(self, *keys: str) -> None:
        """Empty the counters (best effort), e.g. an account's failures after a success."""
        with contextlib.suppress(RedisError):
            await self.redis.delete(*keys)

    async def _redis_call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except RedisError as exc:
            log.warning("rate-limit store unavailable; refusing", extra={"error": type(exc).__name__})
            raise ServiceUnavailable(
                "this action is unavailable for a moment; try again shortly",
                error_code="rate_limit_unavailable",
                headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER)},
            ) from None
