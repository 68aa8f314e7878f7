"""Catalogue writes: entries, their links (genres, album artists, song credits), and the look-ups
that the API's checks and the worker's tag filling need."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, delete, exists, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.library import Album, Artist, Genre, Song, SongCredit

M = TypeVar("M", Genre, Artist, Album, Song)


class LibraryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: Any) -> None:
        self.session.add(entry)

    async def get(self, model: type[M], entry_id: uuid.UUID, *, for_update: bool = False) -> M | None:
        stmt = select(model).where(model.id == entry_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def delete(self, entry: Any) -> None:
        await self.session.delete(entry)
        await self.session.flush()

    async def missing_ids(self, model: type[M], ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """Those of ``ids`` that name no row of ``model``."""
        wanted = set(ids)
        if not wanted:
            return []
        found = set((await self.session.execute(select(model.id).where(model.id.in_(wanted)))).scalars())
        return sorted(wanted - found, key=str)

    async def set_links(
        self, link: Table, owner_column: str, owner_id: uuid.UUID, rows: Sequence[dict[str, Any]]
    ) -> None:
        """Replace the owner's rows of ``link`` (genres, album artists, credits) with ``rows``."""
        await self.session.execute(delete(link).where(link.c[owner_column] == owner_id))
        if rows:
            await self.session.execute(insert(link), [{owner_column: owner_id, **row} for row in rows])

    async def genre_named(self, name: str, created_by: uuid.UUID | None) -> uuid.UUID:
        """The id of the genre called ``name`` (any case), created if there is none yet."""
        stmt = (
            pg_insert(Genre.__table__)
            .values(id=uuid.uuid4(), name=name, created_by=created_by)
            .on_conflict_do_nothing(index_elements=[text("lower(name)")])
        )
        await self.session.execute(stmt)
        found = select(Genre.id).where(func.lower(Genre.name) == name.lower())
        return (await self.session.execute(found)).scalar_one()

    async def artist_named(self, name: str) -> Artist | None:
        """The oldest artist called ``name`` (any case): tags name artists, not ids."""
        stmt = select(Artist).where(func.lower(Artist.name) == name.lower()).order_by(Artist.created_at).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def album_titled(self, title: str) -> Album | None:
        stmt = select(Album).where(func.lower(Album.title) == title.lower()).order_by(Album.created_at).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def has_credit(self, song_id: uuid.UUID, role: str) -> bool:
        stmt = select(exists().where(SongCredit.song_id == song_id, SongCredit.role == role))
        return bool((await self.session.execute(stmt)).scalar())

    async def has_link(self, link: Table, owner_column: str, owner_id: uuid.UUID) -> bool:
        return bool((await self.session.execute(select(exists().where(link.c[owner_column] == owner_id)))).scalar())

    async def add_link(self, link: Table, row: dict[str, Any]) -> None:
        await self.session.execute(pg_insert(link).values(**row).on_conflict_do_nothing())

    async def song_awaiting(self, recording_id: uuid.UUID) -> Song | None:
        """The song whose pending audio upload is ``recording_id``, locked (None: superseded or deleted)."""
        stmt = select(Song).where(Song.pending_recording_id == recording_id).with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def forget_audio(self, recording_id: uuid.UUID) -> None:
        """The recording is going: a song it served has no audio, hence no duration, any more
        (the foreign keys clear ``recording_id`` and ``pending_recording_id`` themselves)."""
        await self.session.execute(update(Song).where(Song.recording_id == recording_id).values(duration_seconds=None))


__all__ = ["LibraryRepository"]
