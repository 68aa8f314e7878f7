"""The catalogue's columns that playlists, likes and follows read (songs, albums, artists).

Lightweight ``table()`` references rather than the catalogue's models: these reads need a few
columns only, and stay independent of how the catalogue maps the rest.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, column, table
from sqlalchemy.dialects.postgresql import UUID

_ID = UUID(as_uuid=True)

SONGS = table(
    "songs",
    column("id", _ID),
    column("title", String),
    column("duration_seconds", Float),
    column("like_count", Integer),
    column("created_at"),
)
ALBUMS = table("albums", column("id", _ID), column("title", String), column("like_count", Integer))
ARTISTS = table("artists", column("id", _ID), column("name", String), column("follower_count", Integer))
