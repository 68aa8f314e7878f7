"""Concurrent event streams per user and per client address, counted in Redis.

Each open stream holds a slot: a member of two sorted sets (the user's, the address's) scored by
the moment its lease ends. A stream renews its lease at every keep-alive and gives the slot back
when it closes; a web process that dies leaves slots that lapse with their lease, so a crash never
locks anybody out for long. Counting happens in one Lua script on Redis's clock, so every web
process shares the numbers and two concurrent opens cannot both take the last slot.
"""

from __future__ import annotations

import hashlib
import logging
import math
import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.errors import RateLimited, ServiceUnavailable
from core.limits import StreamLimits

log = logging.getLogger("cadenza.events")

#: KEYS: the user's set, the address's set. ARGV: member, lease (ms), then each key's limit.
#: Returns 0 (slot taken) or the 1-based index of the full set.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    return i
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[1])
  redis.call('PEXPIRE', key, lease)
end
return 0
"""

#: KEYS: the user's set, the address's set. ARGV: member, lease (ms). Pushes the lease on.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2]))
end
return 0
"""


class StreamSlot:
    """One open stream's slot: ``renew`` at each keep-alive, ``release`` when the stream ends."""

    def __init__(self, redis: Redis, keys: list[str], member: str, lease_ms: int) -> None:
        self.redis, self.keys, self.member, self.lease_ms = redis, keys, member, lease_ms

    async def renew(self) -> None:
        try:
            await self.redis.eval(_RENEW, len(self.keys), *self.keys, self.member, self.lease_ms)
        except RedisError as exc:  # the lease may lapse early: the cap loosens, nothing breaks
            log.warning("stream slot not renewed", extra={"error": type(exc).__name__})

    async def release(self) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in self.keys:
                    pipe.zrem(key, self.member)
                await pipe.execute()
        except RedisError as exc:  # the slot lapses with its lease
            log.warning("stream slot not released", extra={"error": type(exc).__name__})


async def acquire_stream_slot(redis: Redis, limits: StreamLimits, user_id: uuid.UUID, address: str) -> StreamSlot:
    """Take a slot for a new stream of ``user_id`` from ``address``.

    Raises:
        RateLimited: the user or the address already has its most streams open (429 ``too_many_streams``).
        ServiceUnavailable: Redis cannot be reached (events travel through it anyway).
    """
    address_digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    keys = [f"cadenza:streams:user:{user_id.hex}", f"cadenza:streams:address:{address_digest}"]
    lease_ms = int((3 * limits.keepalive_seconds + 5) * 1000)
    member = uuid.uuid4().hex
    try:
        full = int(
            await redis.eval(_ACQUIRE, len(keys), *keys, member, lease_ms, limits.per_user, limits.per_address)
        )
    except RedisError as exc:
        log.warning("stream slots unavailable", extra={"error": type(exc).__name__})
        raise ServiceUnavailable("live events are unavailable for a moment", error_code="events_unavailable") from None
    if full:
        whose = "this account" if full == 1 else "this network address"
        raise RateLimited(
            f"{whose} has too many event streams open; close one first",
            error_code="too_many_streams",
            headers={"Retry-After": str(max(1, math.ceil(limits.keepalive_seconds)))},
        )
    return StreamSlot(redis, keys, member, lease_ms)
