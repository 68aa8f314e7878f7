"""Followers of an artist hear of a new song or album: the catalogue's create services call this.

Only an outbox row is written, in the creating transaction (no ghost news for a rolled-back
create); the ``artist_news`` task notifies the followers in batches (``workers.artist_news``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.tasks import ARTIST_NEWS, ArtistNewsArgs, enqueue
from storage.models.library import Album, AlbumArtist, Song, SongCredit


def announce_new_work(
    session: AsyncSession,
    *,
    kind: Literal["song", "album"],
    item_id: uuid.UUID,
    title: str,
    artist_ids: Iterable[uuid.UUID],
) -> None:
    """Ask for ``artist.new_<kind>`` notifications to the followers of ``artist_ids`` (none: nothing)."""
    artists = sorted(set(artist_ids))
    if artists:
        enqueue(session, ARTIST_NEWS, ArtistNewsArgs(kind=kind, item_id=item_id, title=title, artist_ids=artists))


async def announce_entry(session: AsyncSession, entry: object) -> None:
    """Announce a just-created catalogue entry: a song to its credited artists' followers, an album
    to its artists'; anything else (an artist, a genre) is no news. Call it in the create's transaction."""
    if isinstance(entry, Song):
        links = select(SongCredit.artist_id).where(SongCredit.song_id == entry.id)
        kind: Literal["song", "album"] = "song"
    elif isinstance(entry, Album):
        links = select(AlbumArtist.artist_id).where(AlbumArtist.album_id == entry.id)
        kind = "album"
    else:
        return
    artist_ids = (await session.execute(links)).scalars().all()
    title = entry.title or f"untitled {kind}"
    announce_new_work(session, kind=kind, item_id=entry.id, title=title, artist_ids=artist_ids)
