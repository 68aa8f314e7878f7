"""Creating, changing and deleting catalogue entries, each authorized by ``api.authz.library``.

Each write is one transaction; the answer is then read back through the entry's one-statement
read, so a write answers exactly what a ``GET`` would.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.library import CatalogueAction, authorize_catalogue
from api.context import AppContext
from api.library.schemas import AlbumCreate, ArtistCreate, CreditIn, GenreCreate, SongCreate
from api.library.writes import changes_of, distinct, locked_entry, require_known
from api.social.news import announce_entry
from core.errors import Conflict
from core.ids import new_id
from jobs.tasks import DISCARD_RECORDING, RecordingArgs, enqueue
from storage.models.library import (
    Album,
    AlbumArtist,
    Artist,
    Genre,
    Song,
    SongCredit,
    album_genres,
    artist_genres,
    song_genres,
)
from storage.models.users import User
from storage.objects.keys import album_prefix
from storage.repositories.library import LibraryRepository

_LINKS = {Artist: (artist_genres, "artist_id"), Album: (album_genres, "album_id"), Song: (song_genres, "song_id")}


async def _set_genres(session: AsyncSession, entry: Artist | Album | Song, genre_ids: list[uuid.UUID]) -> None:
    genre_ids = distinct(genre_ids)
    await require_known(session, Genre, genre_ids)
    link, column = _LINKS[type(entry)]
    await LibraryRepository(session).set_links(link, column, entry.id, [{"genre_id": g} for g in genre_ids])


async def _set_album_artists(session: AsyncSession, album: Album, artist_ids: list[uuid.UUID]) -> None:
    artist_ids = distinct(artist_ids)
    await require_known(session, Artist, artist_ids)
    rows = [{"artist_id": a, "position": i} for i, a in enumerate(artist_ids)]
    await LibraryRepository(session).set_links(AlbumArtist.__table__, "album_id", album.id, rows)


async def _set_credits(session: AsyncSession, song: Song, credits: list[CreditIn]) -> None:
    pairs = distinct((c.artist_id, c.role) for c in credits)
    await require_known(session, Artist, distinct(a for a, _ in pairs))
    rows = [{"artist_id": a, "role": role, "position": i} for i, (a, role) in enumerate(pairs)]
    await LibraryRepository(session).set_links(SongCredit.__table__, "song_id", song.id, rows)


class CatalogueService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, data: Any) -> uuid.UUID:
        """A new entry of the body's kind, created by ``caller``; returns its id."""
        authorize_catalogue(caller, CatalogueAction.CREATE)
        model = _MODEL_OF_CREATE[type(data)]
        entry = model(id=new_id(), created_by=caller.id)
        async with self.ctx.sessions.begin() as session:
            await self._apply(session, entry, changes_of(data), new=True)
            await announce_entry(session, entry)  # followers of its artists hear of it (api.social.news)
        return entry.id

    async def update(self, caller: User, model: type[Any], entry_id: uuid.UUID, data: Any) -> None:
        async with self.ctx.sessions.begin() as session:
            entry = await locked_entry(session, model, entry_id, caller, CatalogueAction.UPDATE)
            await self._apply(session, entry, changes_of(data), new=False)

    async def delete(self, caller: User, model: type[Any], entry_id: uuid.UUID) -> None:
        """Links go with the entry (cascades); a deleted album's songs stay, on no album; a deleted
        song's audio recordings are discarded by the worker (rows, then objects); an album's cover goes."""
        async with self.ctx.sessions.begin() as session:
            entry = await locked_entry(session, model, entry_id, caller, CatalogueAction.DELETE)
            if isinstance(entry, Song):
                for recording_id in (entry.recording_id, entry.pending_recording_id):
                    if recording_id is not None:
                        enqueue(session, DISCARD_RECORDING, RecordingArgs(recording_id=recording_id))
            await LibraryRepository(session).delete(entry)
        if model is Album:  # its cover, once nothing can point at it (a late cover task finds no album)
            await self.ctx.store.delete_prefix(album_prefix(entry_id))

    async def _apply(self, session: AsyncSession, entry: Any, changes: dict[str, Any], *, new: bool) -> None:
        links = {name: changes.pop(name) for name in ("genre_ids", "artist_ids", "credits") if name in changes}
        if changes.get("album_id") is not None:
            await require_known(session, Album, [changes["album_id"]])
        for field, value in changes.items():
            setattr(entry, field, value)
        if new:
            LibraryRepository(session).add(entry)
        try:
            await session.flush()
        except IntegrityError as exc:
            if isinstance(entry, Genre):
                raise Conflict("a genre of that name exists", error_code="genre_exists") from exc
            raise
        if "genre_ids" in links:
            await _set_genres(session, entry, links["genre_ids"])
        if "artist_ids" in links:
            await _set_album_artists(session, entry, links["artist_ids"])
        if "credits" in links:
            await _set_credits(session, entry, links["credits"])


_MODEL_OF_CREATE: dict[type[Any], type[Any]] = {
    GenreCreate: Genre,
    ArtistCreate: Artist,
    AlbumCreate: Album,
    SongCreate: Song,
}