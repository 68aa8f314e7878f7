"""In-app notifications raised by API actions (shares, relationship requests).

Rows are written in the action's own transaction, at most once per dedupe key; the live
``notification`` event goes out only after that transaction has committed, so a client never
hears of a row it cannot read yet. The live event is best effort, as the workers' is
(``workers/events.py``): the row is what counts.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import encode_event, user_channel
from storage.repositories.notifications import NotificationRepository

log = logging.getLogger("cadenza.notifications")


@dataclass(slots=True)
class Notifications:
    """Collects the notifications of one transaction; ``publish`` them after the commit."""

    created: list[tuple[uuid.UUID, dict[str, Any]]] = field(default_factory=list)

    async def add(
        self,
        session: AsyncSession,
        *,
        user_id: uuid.UUID,
        kind: str,
        title: str,
        data: dict[str, Any],
        dedupe_key: str,
        body: str | None = None,
    ) -> bool:
        """Write the notification unless ``dedupe_key`` was used before; True when written."""
        new_id = await NotificationRepository(session).add_once(
            user_id=user_id, kind=kind, title=title, body=body, data=data, dedupe_key=dedupe_key
        )
        if new_id is not None:
            self.created.append((user_id, {"id": str(new_id), "kind": kind, "title": title, **data}))
        return new_id is not None

    async def publish(self, redis: Redis) -> None:
        for user_id, payload in self.created:
            try:
                await redis.publish(user_channel(user_id), encode_event("notification", payload))
            except RedisError as exc:
                log.warning("event not published", extra={"event": "notification", "error": type(exc).__name__})
        self.created.clear()
