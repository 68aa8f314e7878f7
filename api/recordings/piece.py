"""The catalogue song a recording practises (``piece_song_id``, DESIGN §11)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ValidationFailed
from storage.models.library import Song
from storage.repositories.library import LibraryRepository
from storage.repositories.recording_reads import PieceSongView


async def piece_song_of(session: AsyncSession, song_id: uuid.UUID | None) -> PieceSongView | None:
    """The song as a recording's body shows it; 422 ``unknown_song`` for an id no song has."""
    if song_id is None:
        return None
    song = await LibraryRepository(session).get(Song, song_id)
    if song is None:
        raise ValidationFailed(f"no song has the id {song_id}", error_code="unknown_song")
    return PieceSongView(id=song.id, title=song.title)
