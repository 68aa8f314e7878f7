"""Catalogue reads in one statement each: an entry's detail, or a filtered, sorted page of a list,
with the caller's account row (``caller_json``) for the account check.

A page is ``count(*)`` beside the page's JSON array; every entry's children and derived numbers
come in the same JSON (``library_json``), so a page costs one statement whatever its size.
Statements are built once per shape (kind, filters present, sort) and compiled once.
"""

from __future__ import annotations

import enum
import functools
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.library import Album, AlbumArtist, Artist, Genre, Song, SongCredit, album_genres, artist_genres
from storage.models.library import song_genres
from storage.repositories.library_json import (
    AlbumView,
    ArtistView,
    GenreView,
    SongView,
    album_json,
    album_total_seconds,
    artist_json,
    genre_json,
    song_json,
)
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode


class Kind(enum.StrEnum):
    GENRE = "genre"
    ARTIST = "artist"
    ALBUM = "album"
    SONG = "song"


class Sort(enum.StrEnum):
    TITLE = "title"
    NEWEST = "-created_at"
    DURATION = "duration"
    LIKES = "-likes"


@dataclass(frozen=True, slots=True)
class CatalogueFilter:
    """A list's filters; ``None`` is "not given". ``genre`` is a genre's id or its name."""

    q: str | None = None
    genre_id: uuid.UUID | None = None
    genre_name: str | None = None
    artist_id: uuid.UUID | None = None
    album_id: uuid.UUID | None = None
    year: int | None = None


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_TABLES = {Kind.GENRE: Genre, Kind.ARTIST: Artist, Kind.ALBUM: Album, Kind.SONG: Song}
_VIEWS: dict[Kind, type[Any]] = {
    Kind.GENRE: GenreView,
    Kind.ARTIST: ArtistView,
    Kind.ALBUM: AlbumView,
    Kind.SONG: SongView,
}
_GENRE_LINKS = {
    Kind.ARTIST: (artist_genres, "artist_id"),
    Kind.ALBUM: (album_genres, "album_id"),
    Kind.SONG: (song_genres, "song_id"),
}


def _json(kind: Kind, row: Any, *, detail: bool) -> ColumnElement[Any]:
    if kind == Kind.GENRE:
        return genre_json(row)
    if kind == Kind.ARTIST:
        return artist_json(row, detail=detail)
    if kind == Kind.ALBUM:
        return album_json(row, detail=detail)
    return song_json(row)


def _name(kind: Kind, row: Any) -> ColumnElement[Any]:
    return row.c.name if kind in (Kind.GENRE, Kind.ARTIST) else row.c.title


def _order(kind: Kind, row: Any, sort: Sort) -> tuple[ColumnElement[Any], ...]:
    """The sort's keys; ties by name, then id, so pages never overlap."""
    by_name = (func.lower(_name(kind, row)).asc().nulls_last(), row.c.id)
    if sort == Sort.TITLE:
        return by_name
    if sort == Sort.NEWEST:
        return (row.c.created_at.desc(), row.c.id)
    if sort == Sort.DURATION:
        length = album_total_seconds(row.c.id) if kind == Kind.ALBUM else row.c.duration_seconds
        return (length.asc().nulls_last(), *by_name)
    likes = row.c.follower_count if kind == Kind.ARTIST else row.c.like_count
    return (likes.desc(), *by_name)


def _where(kind: Kind, row: Any, shape: tuple[bool, ...]) -> list[ColumnElement[bool]]:
    has_q, has_genre_id, has_genre_name, has_artist, has_album, has_year = shape
    where: list[ColumnElement[bool]] = []
    if has_q:
        # strpos, not LIKE: the user's text is never a pattern (no escaping of % and _).
        text = func.lower(bindparam("q", type_=String))
        where.append(func.strpos(func.lower(_name(kind, row)), text) > 0)
    if has_genre_id or has_genre_name:
        link, column = _GENRE_LINKS[kind]
        genres = Genre.__table__
        match = (
            link.c.genre_id == bindparam("genre_id", type_=UUID(as_uuid=True))
            if has_genre_id
            else func.lower(genres.c.name) == func.lower(bindparam("genre_name", type_=String))
        )
        where.append(exists().where(link.c[column] == row.c.id, link.c.genre_id == genres.c.id, match))
    artist_id = bindparam("artist_id", type_=UUID(as_uuid=True))
    if has_artist and kind == Kind.ALBUM:
        billed = AlbumArtist.__table__
        where.append(exists().where(billed.c.album_id == row.c.id, billed.c.artist_id == artist_id))
    if has_artist and kind == Kind.SONG:
        credits = SongCredit.__table__
        where.append(exists().where(credits.c.song_id == row.c.id, credits.c.artist_id == artist_id))
    if has_album and kind == Kind.SONG:
        where.append(row.c.album_id == bindparam("album_id", type_=UUID(as_uuid=True)))
    year = bindparam("year", type_=Integer)
    if has_year and kind == Kind.ALBUM:
        where.append(row.c.release_year == year)
    if has_year and kind == Kind.SONG:
        albums = Album.__table__
        where.append(exists().where(albums.c.id == row.c.album_id, albums.c.release_year == year))
    return where


@functools.cache
def _page(kind: Kind, sort: Sort, shape: tuple[bool, ...]) -> CompiledRead:
    def build() -> Select[Any]:
        row = _TABLES[kind].__table__.alias("entry")
        where = _where(kind, row, shape)
        total = select(func.count()).select_from(row).where(*where).scalar_subquery()
        order = _order(kind, row, sort)
        page = (
            select(_json(kind, row, detail=False).label("j"), func.row_number().over(order_by=order).label("n"))
            .where(*where)
            .order_by(*order)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .subquery("page")
        )
        items = func.coalesce(func.json_agg(aggregate_order_by(page.c.j, page.c.n)), literal_column("'[]'::json"))
        return select(caller_json(_SUB), total, as_text(select(items).scalar_subquery()))

    return CompiledRead(build)


@functools.cache
def _detail(kind: Kind) -> CompiledRead:
    def build() -> Select[Any]:
        row = _TABLES[kind].__table__.alias("entry")
        entry_id = bindparam("entry_id", type_=UUID(as_uuid=True))
        view = select(as_text(_json(kind, row, detail=True))).where(row.c.id == entry_id).scalar_subquery()
        return select(caller_json(_SUB), view)

    return CompiledRead(build)


def _shape(where: CatalogueFilter) -> tuple[bool, ...]:
    values = (where.q, where.genre_id, where.genre_name, where.artist_id, where.album_id, where.year)
    return tuple(v is not None for v in values)


async def catalogue_page(
    db: ReadDatabase,
    kind: Kind,
    caller_id: uuid.UUID | None,
    where: CatalogueFilter,
    *,
    sort: Sort,
    limit: int,
    offset: int,
) -> tuple[CallerRow | None, int, list[Any]]:
    """The caller's account, how many entries match and one page of them (``*View`` structs)."""
    params: dict[str, object] = {"sub": caller_id, "limit": limit, "offset": offset}
    params |= {f: getattr(where, f) for f in ("q", "genre_id", "genre_name", "artist_id", "album_id", "year")}
    caller, total, items = await db.fetch_row(_page(kind, sort, _shape(where)), **params)
    return decode(caller, CallerRow), total, msgspec.json.decode(items, type=list[_VIEWS[kind]])


@dataclass(frozen=True, slots=True)
class CatalogueDetail:
    caller: CallerRow | None
    #: ``None``: there is no such entry.
    view: Any | None
    #: The entry's JSON as PostgreSQL rendered it (children and audio state included): its version.
    version: str | None


async def catalogue_detail(
    db: ReadDatabase, kind: Kind, caller_id: uuid.UUID | None, entry_id: uuid.UUID
) -> CatalogueDetail:
    """The caller's account and one entry, in one statement."""
    caller, view = await db.fetch_row(_detail(kind), sub=caller_id, entry_id=entry_id)
    return CatalogueDetail(decode(caller, CallerRow), decode(view, _VIEWS[kind]), view)



__all__ = ["CatalogueDetail", "CatalogueFilter", "Kind", "Sort", "catalogue_detail", "catalogue_page"]
