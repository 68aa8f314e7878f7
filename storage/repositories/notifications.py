"""In-app notifications, written at most once per dedupe key."""

from __future__ import annotations

import uuid
from typing import Any

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
        self, *, user_id: uuid.UUID, kind: str, title: str, body: str | None, data: dict[str, Any], dedupe_key: str
    ) -> uuid.UUID | None:
        """Insert unless a row with ``dedupe_key`` exists; returns the new id, or None for a duplicate.

        A title over the column's length is cut (with "…") rather than refused: it is derived
        text, and a refusal would fail the step that tells people an outcome.
        """
        title = truncate(title, TITLE_MAX_CHARS)
        stmt = (
            insert(Notification)
            .values(
                id=uuid.uuid4(), user_id=user_id, kind=kind, title=title, body=body, data=data, dedupe_key=dedupe_key
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Notification.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
