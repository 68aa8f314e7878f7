"""Playlist writes: the row lock that serialises them, members, and item positions.

Every item write runs under the playlist's row lock (``locked``), first closes any gap a deleted
song left (``compact``), then shifts a run of positions with one UPDATE. The unique
(playlist_id, position) is deferred to commit, so the shift may pass through duplicates; at
commit positions are exactly 0..n-1, whatever two owners did at the same time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ValidationFailed
from storage.models.playlists import Playlist, PlaylistItem, PlaylistMember, PlaylistRole


@dataclass(frozen=True, slots=True)
class Shift:
    """Positions ``lo..hi`` (inclusive) move by ``delta``."""

    lo: int
    hi: int
    delta: int


def check_position(position: int | None, count: int, *, inserting: bool) -> int:
    """The position a new item (``inserting``) or a moved one takes; 422 ``position_out_of_range``.

    A new item may go anywhere in 0..count (None: at the end); a moved one in 0..count-1.
    """
    last = count if inserting else count - 1
    if position is None:
        return last
    if not 0 <= position <= last:
        raise ValidationFailed(f"position must be between 0 and {last}", error_code="position_out_of_range")
    return position


def move_shift(old: int, new: int) -> Shift | None:
    """How the other items shift when one moves from ``old`` to ``new`` (None: nothing moves)."""
    if new < old:
        return Shift(new, old - 1, +1)
    if new > old:
        return Shift(old + 1, new, -1)
    return None


@dataclass(frozen=True, slots=True)
class Locked:
    playlist: Playlist
    caller_role: str | None
    owner_count: int


class PlaylistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, playlist: Playlist, owner_id: uuid.UUID) -> Playlist:
        self.session.add(playlist)
        await self.session.flush()
        self.session.add(PlaylistMember(playlist_id=playlist.id, user_id=owner_id, role=PlaylistRole.OWNER))
        await self.session.flush()
        return playlist

    async def locked(self, playlist_id: uuid.UUID, caller_id: uuid.UUID | None) -> Locked | None:
        """The playlist row, locked until commit, with the caller's role and the number of owners."""
        members = PlaylistMember.__table__
        role = select(members.c.role).where(members.c.playlist_id == Playlist.id, members.c.user_id == caller_id)
        owners = select(func.count()).where(members.c.playlist_id == Playlist.id, members.c.role == PlaylistRole.OWNER)
        stmt = (
            select(Playlist, role.scalar_subquery(), owners.scalar_subquery())
            .where(Playlist.id == playlist_id)
            .with_for_update(of=Playlist)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else Locked(row[0], row[1], row[2])

    async def delete(self, playlist: Playlist) -> None:
        await self.session.delete(playlist)

    # -- members

    async def member_role(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
        stmt = select(PlaylistMember.role).where(
            PlaylistMember.playlist_id == playlist_id, PlaylistMember.user_id == user_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def set_member(self, playlist_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
        stmt = insert(PlaylistMember).values(playlist_id=playlist_id, user_id=user_id, role=role)
        stmt = stmt.on_conflict_do_update(index_elements=["playlist_id", "user_id"], set_={"role": role})
        await self.session.execute(stmt)

    async def remove_member(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(PlaylistMember).where(PlaylistMember.playlist_id == playlist_id, PlaylistMember.user_id == user_id)
        )

    # -- items (call under ``locked``)

    async def compact(self, playlist_id: uuid.UUID) -> int:
        """Renumber the items 0..n-1 in their order (a deleted song leaves a gap); returns n."""
        items = PlaylistItem.__table__
        ranked = (
            select(items.c.id, (func.row_number().over(order_by=(items.c.position, items.c.id)) - 1).label("rank"))
            .where(items.c.playlist_id == playlist_id)
            .subquery()
        )
        await self.session.execute(
            update(items)
            .where(items.c.id == ranked.c.id, items.c.position != ranked.c.rank)
            .values(position=ranked.c.rank)
        )
        count = select(func.count()).select_from(items).where(items.c.playlist_id == playlist_id)
        return (await self.session.execute(count)).scalar_one()

    async def item(self, playlist_id: uuid.UUID, item_id: uuid.UUID) -> PlaylistItem | None:
        stmt = select(PlaylistItem).where(PlaylistItem.id == item_id, PlaylistItem.playlist_id == playlist_id)
        return (await self.session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()

    async def shift(self, playlist_id: uuid.UUID, shift: Shift) -> None:
        items = PlaylistItem.__table__
        await self.session.execute(
            update(items)
            .where(items.c.playlist_id == playlist_id, items.c.position.between(shift.lo, shift.hi))
            .values(position=items.c.position + shift.delta)
        )

    async def insert_item(
        self, playlist_id: uuid.UUID, song_id: uuid.UUID, position: int, count: int, added_by: uuid.UUID
    ) -> uuid.UUID:
        if position < count:
            await self.shift(playlist_id, Shift(position, count - 1, +1))
        item_id = uuid.uuid4()
        await self.session.execute(
            insert(PlaylistItem).values(
                id=item_id, playlist_id=playlist_id, song_id=song_id, position=position, added_by=added_by
            )
        )
        return item_id

    async def move_item(self, playlist_id: uuid.UUID, item_id: uuid.UUID, old: int, new: int) -> None:
        shift = move_shift(old, new)
        if shift is None:
            return
        await self.shift(playlist_id, shift)
        await self.session.execute(update(PlaylistItem).where(PlaylistItem.id == item_id).values(position=new))

    async def remove_item(self, playlist_id: uuid.UUID, item_id: uuid.UUID, position: int, count: int) -> None:
        await self.session.execute(delete(PlaylistItem).where(PlaylistItem.id == item_id))
        if position < count - 1:
            await self.shift(playlist_id, Shift(position + 1, count - 1, -1))
