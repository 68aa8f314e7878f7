"""In-app notifications raised by API actions (shares, relationship requests, comments, assessments).

Rows are written in the action's own transaction, at most once per dedupe key, and fanned out to
the recipient's chosen channels there too (``jobs.fanout``: mail and webhook deliveries go through
the outbox, so nothing is sent for a rolled-back action). The live events go out only after that
transaction has committed, so a client never hears of a row it cannot read yet. They are best
effort, as the workers' are: the row is what counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.fanout import Created, notify_user, publish


@dataclass(slots=True)
class Notifications:
    """Collects the notifications of one transaction; ``publish`` them after the commit."""

    created: list[Created] = field(default_factory=list)

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
        created = await notify_user(
            session, user_id=user_id, kind=kind, title=title, data=data, dedupe_key=dedupe_key, body=body
        )
        if created is not None:
            self.created.append(created)
        return created is not None

    async def publish(self, redis: Redis) -> None:
        """The live events (``notification`` and one named by the kind) of the rows written."""
        await publish(redis, self.created)
        self.created.clear()
