"""Recordings and renditions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.recordings import Recording, RecordingShare, RecordingStatus, Rendition


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
        return await self.search(owner_id=owner_id, status=status, limit=limit, offset=offset)

    async def search(
        self,
        *,
        owner_id: uuid.UUID | None = None,
        shared_with: uuid.UUID | None = None,
        public_only: bool = False,
        status: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Recording], int]:
        """Recordings matching every filter given, newest first, and their total count.

        Args:
            owner_id: only this owner's recordings.
            shared_with: only recordings shared with this user.
            public_only: only public recordings.
            status: only recordings in this status.
        """
        where = [Recording.status != RecordingStatus.DELETED]
        if owner_id is not None:
            where.append(Recording.owner_id == owner_id)
        if shared_with is not None:
            where.append(
                exists().where(RecordingShare.recording_id == Recording.id, RecordingShare.user_id == shared_with)
            )
        if public_only:
            where.append(Recording.is_public.is_(True))
        if status is not None:
            where.append(Recording.status == status)
        total = (await self.session.execute(select(func.count()).select_from(Recording).where(*where))).scalar_one()
        stmt = (
            select(Recording)
            .where(*where)
            .order_by(Recording.created_at.desc(), Recording.id)
            .limit(limit)
            .offset(offset)
        )
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


def stored_bytes_of(owner_id: Any) -> Any:
    """Bytes an owner keeps in the store, every original plus every rendition: a scalar subquery."""
    originals = select(func.coalesce(func.sum(Recording.size_bytes), 0)).where(Recording.owner_id == owner_id)
    renditions = (
        select(func.coalesce(func.sum(Rendition.size_bytes), 0))
        .join(Recording, Rendition.recording_id == Recording.id)
        .where(Recording.owner_id == owner_id)
    )
    return (originals.scalar_subquery() + renditions.scalar_subquery()).label("stored_bytes")


async def stored_bytes(session: AsyncSession, owner_id: uuid.UUID) -> int:
    """Bytes an owner keeps in the store: every original plus every rendition."""
    return int((await session.execute(select(stored_bytes_of(owner_id)))).scalar_one())
