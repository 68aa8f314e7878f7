"""Recording shares: which users an owner has shared a recording with."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Select, and_, delete, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.recordings import Recording, RecordingShare
from storage.models.users import User


class ShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, recording_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime) -> bool:
        """Share once: True when the share is new, False when it already existed."""
        stmt = (
            insert(RecordingShare)
            .values(recording_id=recording_id, user_id=user_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["recording_id", "user_id"])
            .returning(RecordingShare.user_id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def created_at(self, recording_id: uuid.UUID, user_id: uuid.UUID) -> dt.datetime | None:
        stmt = select(RecordingShare.created_at).where(
            RecordingShare.recording_id == recording_id, RecordingShare.user_id == user_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def is_shared_with(self, recording_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        stmt = select(exists().where(RecordingShare.recording_id == recording_id, RecordingShare.user_id == user_id))
        return bool((await self.session.execute(stmt)).scalar())

    async def remove(self, recording_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        stmt = (
            delete(RecordingShare)
            .where(RecordingShare.recording_id == recording_id, RecordingShare.user_id == user_id)
            .returning(RecordingShare.user_id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def list_for_recording(
        self, recording_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[tuple[RecordingShare, User]], int]:
        """The recording's shares with their recipients, oldest first."""
        where = RecordingShare.recording_id == recording_id
        total = (await self.session.execute(select(func.count()).select_from(RecordingShare).where(where))).scalar_one()
        stmt = (
            select(RecordingShare, User)
            .join(User, User.id == RecordingShare.user_id)
            .where(where)
            .order_by(RecordingShare.created_at, RecordingShare.user_id)
            .limit(limit)
            .offset(offset)
        )
        return [(share, user) for share, user in (await self.session.execute(stmt)).all()], total

    async def recipient_ids(self, recording_id: uuid.UUID) -> list[uuid.UUID]:
        """Everyone the recording is shared with (the notify step's fan-out)."""
        stmt = select(RecordingShare.user_id).where(RecordingShare.recording_id == recording_id)
        return list((await self.session.execute(stmt)).scalars())

    async def remove_between(self, a: uuid.UUID, b: uuid.UUID) -> int:
        """Drop every share of a recording of one of the two users with the other one."""
        stmt = delete(RecordingShare).where(
            or_(
                and_(RecordingShare.user_id == b, RecordingShare.recording_id.in_(_owned_by(a))),
                and_(RecordingShare.user_id == a, RecordingShare.recording_id.in_(_owned_by(b))),
            )
        )
        return (await self.session.execute(stmt)).rowcount or 0


def _owned_by(owner_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    return select(Recording.id).where(Recording.owner_id == owner_id)
