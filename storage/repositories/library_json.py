"""The catalogue's rows as JSON built inside PostgreSQL, and the structs they decode into.

Each ``*_json`` function returns the JSON of one entry of a table (or an alias of it) with its
children aggregated (genres, artists, credits, an album's songs) and its derived numbers
(an album's ``song_count`` and ``total_duration_seconds``, an artist's counts) computed in the
same statement, so they are right whatever changed since: a song deleted, audio replaced.
The JSON keys are the structs' own fields (``json_object``), so SQL and structs cannot drift.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Float, cast, func, literal_column, null, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from storage.models.jobs import Job
from storage.models.library import Album, AlbumArtist, Artist, Genre, Song, SongCredit, album_genres, artist_genres
from storage.models.library import song_genres
from storage.models.recordings import Recording, Rendition
from storage.repositories.reads import json_object, table_columns

#: An artist's detail lists this many of its albums and songs (the counts are always whole).
DETAIL_LIST_CAP = 100

_GENRES, _ARTISTS, _ALBUMS, _SONGS = Genre.__table__, Artist.__table__, Album.__table__, Song.__table__
_ALBUM_ARTISTS, _CREDITS = AlbumArtist.__table__, SongCredit.__table__


class GenreRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str


class ArtistRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str


class AlbumRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str
    release_year: int | None


class SongRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str | None
    track_number: int | None
    duration_seconds: float | None


class CreditView(msgspec.Struct, frozen=True):
    artist_id: uuid.UUID
    name: str
    role: str


class GenreView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    created_by: uuid.UUID | None
    created_at: dt.datetime


class ArtistView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    bio: str | None
    created_by: uuid.UUID | None
    follower_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    genres: list[GenreRef]
    album_count: int
    song_count: int
    #: Detail only (``None`` in lists): newest albums first, songs by title.
    albums: list[AlbumRef] | None
    songs: list[SongRef] | None


class AlbumView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str
    release_year: int | None
    cover_key: str | None
    cover_status: str | None
    cover_error_code: str | None
    created_by: uuid.UUID | None
    like_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    artists: list[ArtistRef]
    genres: list[GenreRef]
    song_count: int
    total_duration_seconds: float
    #: Detail only: in track order.
    songs: list[SongRef] | None


class SongAudio(msgspec.Struct, frozen=True):
    """The song's audio recordings: the served one's keys, and the state of the latest upload."""

    audio_key: str | None
    waveform_key: str | None
    status: str | None
    job_id: uuid.UUID | None
    error_code: str | None
    owner_id: uuid.UUID | None


class SongView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str | None
    album: AlbumRef | None
    track_number: int | None
    duration_seconds: float | None
    like_count: int
    created_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    credits: list[CreditView]
    genres: list[GenreRef]
    audio: SongAudio


def _agg(item: ColumnElement[Any], *order: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(func.json_agg(aggregate_order_by(item, *order)), literal_column("'[]'::json"))


def _genres_of(link: Any, owner_column: str, owner_id: ColumnElement[Any]) -> ColumnElement[Any]:
    ref = json_object(GenreRef.__struct_fields__, table_columns(_GENRES, GenreRef.__struct_fields__))
    return (
        select(_agg(ref, func.lower(_GENRES.c.name)))
        .select_from(link.join(_GENRES, _GENRES.c.id == link.c.genre_id))
        .where(link.c[owner_column] == owner_id)
        .scalar_subquery()
    )


def _album_ref(album_id: ColumnElement[Any]) -> ColumnElement[Any]:
    ref = json_object(AlbumRef.__struct_fields__, table_columns(_ALBUMS, AlbumRef.__struct_fields__))
    return select(ref).where(_ALBUMS.c.id == album_id).scalar_subquery()


def _song_refs(
    where: Callable[[Any], ColumnElement[bool]],
    order: Callable[[Any], tuple[ColumnElement[Any], ...]],
    cap: int | None = None,
) -> ColumnElement[Any]:
    """A JSON array of song refs matching ``where``, by the ascending keys of ``order`` (both are
    given the songs alias; in ascending order PostgreSQL puts NULLs last)."""
    songs = _SONGS.alias("ref_song")
    ref = json_object(SongRef.__struct_fields__, table_columns(songs, SongRef.__struct_fields__))
    keys = order(songs)
    page = select(ref.label("j"), *[k.label(f"o{i}") for i, k in enumerate(keys)]).where(where(songs))
    # A derived table is not correlated by default: say the outer entry is the enclosing one.
    page = page.order_by(*keys).limit(cap).correlate_except(songs).subquery()
    return select(_agg(page.c.j, *[page.c[f"o{i}"] for i in range(len(keys))])).scalar_subquery()


def genre_json(genre: Any) -> ColumnElement[Any]:
    return json_object(GenreView.__struct_fields__, table_columns(genre, GenreView.__struct_fields__))


def artist_json(artist: Any, *, detail: bool) -> ColumnElement[Any]:
    # Nested two levels down: SQLAlchemy correlates only with the select right around, so the
    # artist (the outer entry) is named as correlated, or it would join every artist.
    credited = select(_CREDITS.c.song_id).where(_CREDITS.c.artist_id == artist.c.id).correlate_except(_CREDITS)
    billed = (
        select(_ALBUM_ARTISTS.c.album_id)
        .where(_ALBUM_ARTISTS.c.artist_id == artist.c.id)
        .correlate_except(_ALBUM_ARTISTS)
    )
    extra: dict[str, ColumnElement[Any]] = {
        "genres": _genres_of(artist_genres, "artist_id", artist.c.id),
        "album_count": select(func.count()).where(_ALBUMS.c.id.in_(billed)).scalar_subquery(),
        "song_count": select(func.count()).where(_SONGS.c.id.in_(credited)).scalar_subquery(),
        "albums": null(),
        "songs": null(),
    }
    if detail:
        albums = _ALBUMS.alias("artist_album")
        ref = json_object(AlbumRef.__struct_fields__, table_columns(albums, AlbumRef.__struct_fields__))
        newest = (albums.c.release_year.desc().nulls_last(), albums.c.created_at.desc())
        page = select(ref.label("j"), albums.c.release_year, albums.c.created_at).where(albums.c.id.in_(billed))
        page = page.order_by(*newest).limit(DETAIL_LIST_CAP).correlate_except(albums).subquery()
        order = (page.c.release_year.desc().nulls_last(), page.c.created_at.desc())
        extra["albums"] = select(_agg(page.c.j, *order)).scalar_subquery()
        extra["songs"] = _song_refs(
            lambda s: s.c.id.in_(credited), lambda s: (func.lower(s.c.title), s.c.id), cap=DETAIL_LIST_CAP
        )
    return json_object(ArtistView.__struct_fields__, table_columns(artist, ArtistView.__struct_fields__, **extra))


def album_total_seconds(album_id: ColumnElement[Any]) -> ColumnElement[Any]:
    """The album's length: the sum of its songs' probed durations (songs without audio count 0)."""
    total = func.coalesce(func.sum(_SONGS.c.duration_seconds), cast(0, Float))
    return select(total).where(_SONGS.c.album_id == album_id).scalar_subquery()


def album_json(album: Any, *, detail: bool) -> ColumnElement[Any]:
    artist = json_object(ArtistRef.__struct_fields__, table_columns(_ARTISTS, ArtistRef.__struct_fields__))
    artists = (
        select(_agg(artist, _ALBUM_ARTISTS.c.position, _ARTISTS.c.name))
        .select_from(_ALBUM_ARTISTS.join(_ARTISTS, _ARTISTS.c.id == _ALBUM_ARTISTS.c.artist_id))
        .where(_ALBUM_ARTISTS.c.album_id == album.c.id)
        .scalar_subquery()
    )
    extra: dict[str, ColumnElement[Any]] = {
        "artists": artists,
        "genres": _genres_of(album_genres, "album_id", album.c.id),
        "song_count": select(func.count()).where(_SONGS.c.album_id == album.c.id).scalar_subquery(),
        "total_duration_seconds": album_total_seconds(album.c.id),
        "songs": null(),
    }
    if detail:
        extra["songs"] = _song_refs(
            lambda s: s.c.album_id == album.c.id,
            lambda s: (func.coalesce(s.c.track_number, 2**31 - 1), func.lower(s.c.title), s.c.id),
        )
    return json_object(AlbumView.__struct_fields__, table_columns(album, AlbumView.__struct_fields__, **extra))


def _audio_json(song: Any) -> ColumnElement[Any]:
    """The served recording's audio and waveform keys; the latest upload's status and job."""
    recordings, renditions, jobs = Recording.__table__, Rendition.__table__, Job.__table__
    served = song.c.recording_id
    latest = func.coalesce(song.c.pending_recording_id, served)
    audio_key = (
        select(renditions.c.storage_key)
        .where(renditions.c.recording_id == served, renditions.c.name == "audio")
        .scalar_subquery()
    )
    job = select(jobs.c.id).where(jobs.c.recording_id == latest).order_by(jobs.c.created_at.desc()).limit(1)

    def of_latest(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return select(column).where(recordings.c.id == latest).scalar_subquery()

    columns = {
        "audio_key": audio_key,
        "waveform_key": select(recordings.c.waveform_key).where(recordings.c.id == served).scalar_subquery(),
        "status": of_latest(recordings.c.status),
        "job_id": job.scalar_subquery(),
        "error_code": of_latest(recordings.c.error_code),
        "owner_id": of_latest(recordings.c.owner_id),
    }
    return json_object(SongAudio.__struct_fields__, columns)


def song_json(song: Any) -> ColumnElement[Any]:
    credit = json_object(
        CreditView.__struct_fields__,
        {"artist_id": _CREDITS.c.artist_id, "name": _ARTISTS.c.name, "role": _CREDITS.c.role},
    )
    credits = (
        select(_agg(credit, _CREDITS.c.position, _CREDITS.c.role, _ARTISTS.c.name))
        .select_from(_CREDITS.join(_ARTISTS, _ARTISTS.c.id == _CREDITS.c.artist_id))
        .where(_CREDITS.c.song_id == song.c.id)
        .scalar_subquery()
    )
    extra = {
        "album": _album_ref(song.c.album_id),
        "credits": credits,
        "genres": _genres_of(song_genres, "song_id", song.c.id),
        "audio": _audio_json(song),
    }
    return json_object(SongView.__struct_fields__, table_columns(song, SongView.__struct_fields__, **extra))
