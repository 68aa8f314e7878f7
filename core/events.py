"""Live-event naming shared by publishers (workers) and the SSE endpoint (web).

The web side subscribes through Litestar channels on Redis; its pub/sub backend publishes on
``{prefix}_{CHANNEL}`` (upper-cased), so workers publish on the very same name.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

CHANNELS_KEY_PREFIX = "CADENZA_EVENTS"


def user_channel(user_id: uuid.UUID | str) -> str:
    return f"user:{user_id}"


def redis_channel_name(channel: str) -> str:
    """The Redis pub/sub channel behind a Litestar channel name."""
    return f"{CHANNELS_KEY_PREFIX}_{channel.upper()}"


def encode_event(event: str, data: dict[str, Any]) -> bytes:
    return json.dumps({"event": event, "data": data}, default=str).encode()
