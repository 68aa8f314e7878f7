"""In-app notifications, written at most once per dedupe key."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.text import truncate
from storage.models.notifications import Notification

#: The title column's length, from the model: derived titles are cut to it (``core.text.fill``).
TITLE_MAX_CHARS: int = Notification.__table__.c.title.type.length  # type: ignore[attr-defined]


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_once(
        self,
        *,
        user_id: uuid.UUID,
        kind: str,
        title: str,
        body: str | None,
        data: dict[str, Any],
        dedupe_key: str,
        in_app: bool = True,
    ) -> uuid.UUID | None:
        """Insert unless a row with ``dedupe_key`` exists; returns the new id, or None for a duplicate.

        A title over the column's length is cut (with "…") rather than refused: it is derived
        text, and a refusal would fail the step that tells people an outcome.
        """
        title = truncate(title, TITLE_MAX_CHARS)
        stmt = (
            insert(Notification)
            .values(
                id=uuid.uuid4(),
                user_id=user_id,
                kind=kind,
                title=title,
                body=body,
                data=data,
                dedupe_key=dedupe_key,
                in_app=in_app,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Notification.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, notification_id: uuid.UUID) -> Notification | None:
        return await self.session.get(Notification, notification_id)

    async def mark_read(self, notification_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime) -> bool:
        """Mark the recipient's notification read (kept as first read); False if it is not theirs."""
        table = Notification.__table__
        stmt = (
            update(Notification)
            .where(table.c.id == notification_id, table.c.user_id == user_id, table.c.in_app.is_(True))
            .values(read_at=func.coalesce(table.c.read_at, now))
            .returning(table.c.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def mark_all_read(self, user_id: uuid.UUID, now: dt.datetime) -> int:
        """Mark every unread notification of the user read; how many were."""
        table = Notification.__table__
        stmt = update(Notification).where(table.c.user_id == user_id, table.c.read_at.is_(None)).values(read_at=now)
        return (await self.session.execute(stmt)).rowcount or 0
