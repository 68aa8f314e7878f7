"""Live-event naming shared by publishers (workers) and the SSE endpoint (web).

The web side subscribes through Litestar channels on Redis pub/sub, whose backend subscribes to
the channel name as given; workers publish to that same name with a plain ``PUBLISH``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from core.redis_keys import user_events_channel


def user_channel(user_id: uuid.UUID | str) -> str:
    return user_events_channel(user_id)


def encode_event(event: str, data: dict[str, Any]) -> bytes:
    return json.dumps({"event": event, "data": data}, default=str).encode()
