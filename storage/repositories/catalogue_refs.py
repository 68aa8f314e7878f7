"""The catalogue's tables that playlists, likes and follows read and count on (songs, albums, artists)."""

from __future__ import annotations

from sqlalchemy import Table

from storage.models.library import Album, Artist, Song

SONGS: Table = Song.__table__  # type: ignore[assignment]
ALBUMS: Table = Album.__table__  # type: ignore[assignment]
ARTISTS: Table = Artist.__table__  # type: ignore[assignment]
