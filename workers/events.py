"""Publish live events to a user's channel; the web's SSE endpoint relays them."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.events import encode_event, user_channel

log = logging.getLogger("cadenza.events")


async def publish(redis: Redis, user_id: uuid.UUID, event: str, data: dict[str, Any]) -> None:
    """Best effort: a live event lost to a Redis hiccup is recoverable by polling the job."""
    try:
        await redis.publish(user_channel(user_id), encode_event(event, data))
    except RedisError as exc:
        log.warning("event not published", extra={"event": event, "error": type(exc).__name__})
