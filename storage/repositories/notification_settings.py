"""A user's stored notification preferences (sparse: ``core.notification_prefs`` fills in defaults)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.ids import utcnow
from storage.models.notification_settings import NotificationSettings


class NotificationSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> dict[str, dict[str, bool]]:
        stmt = select(NotificationSettings.prefs).where(NotificationSettings.user_id == user_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none() or {}

    async def save(self, user_id: uuid.UUID, prefs: dict[str, dict[str, bool]]) -> None:
        stmt = insert(NotificationSettings).values(user_id=user_id, prefs=prefs, updated_at=utcnow())
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"], set_={"prefs": stmt.excluded.prefs, "updated_at": stmt.excluded.updated_at}
        )
        await self.session.execute(stmt)
