"""Recordings and renditions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.recordings import Recording, RecordingStatus, Rendition


class RecordingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, recording_id: uuid.UUID, *, for_update: bool = False) -> Recording | None:
        stmt = select(Recording).where(Recording.id == recording_id, Recording.status != RecordingStatus.DELETED)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> Recording | None:
        stmt = select(Recording).where(Recording.owner_id == owner_id, Recording.idempotency_key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_for_owner(
        self, owner_id: uuid.UUID, *, status: str | None, limit: int, offset: int
    ) -> tuple[Sequence[Recording], int]:
        where = [Recording.owner_id == owner_id, Recording.status != RecordingStatus.DELETED]
        if status is not None:
            where.append(Recording.status == status)
        total = (await self.session.execute(select(func.count()).select_from(Recording).where(*where))).scalar_one()
        stmt = select(Recording).where(*where).order_by(Recording.created_at.desc(), Recording.id).limit(limit).offset(offset)
        return (await self.session.execute(stmt)).scalars().all(), total

    async def add(self, recording: Recording) -> Recording:
        self.session.add(recording)
        await self.session.flush()
        return recording

    async def delete(self, recording: Recording) -> None:
        await self.session.execute(delete(Recording).where(Recording.id == recording.id))

    async def upsert_rendition(self, values: dict[str, object]) -> None:
        """Insert or replace one rendition: a re-run render overwrites instead of duplicating."""
        stmt = insert(Rendition).values(id=uuid.uuid4(), **values)
        update_cols = {k: stmt.excluded[k] for k in values if k not in ("recording_id", "name")}
        await self.session.execute(
            stmt.on_conflict_do_update(constraint="uq_renditions_recording_name", set_=update_cols)
        )
