"""Catalogue bodies (DESIGN §11): create and update structs (PATCH with UNSET defaults), and the
bodies answered, whose nested parts are storage's read structs as they come from PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from api.fields import line, text
from storage.models.library import MAX_RELEASE_YEAR, MIN_RELEASE_YEAR
from storage.repositories.library_json import AlbumRef, ArtistRef, CreditView, GenreRef, SongRef

Name = Annotated[str, line(min_length=1, max_length=200)]
GenreName = Annotated[str, line(min_length=1, max_length=60)]
Bio = Annotated[str, text(max_length=5000)]
Year = Annotated[int, msgspec.Meta(ge=MIN_RELEASE_YEAR, le=MAX_RELEASE_YEAR)]
Track = Annotated[int, msgspec.Meta(ge=1, le=9999)]
Ids = Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)]
Role = Literal["performer", "composer", "lyricist", "arranger", "producer", "engineer"]
Permissions = list[str]


class GenreCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: GenreName


class GenreUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: GenreName | msgspec.UnsetType = msgspec.UNSET


class ArtistCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    bio: Bio | None = None
    genre_ids: Ids = msgspec.field(default_factory=list)


class ArtistUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    bio: Bio | None | msgspec.UnsetType = msgspec.UNSET
    genre_ids: Ids | msgspec.UnsetType = msgspec.UNSET


class AlbumCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    release_year: Year | None = None
    #: In billing order.
    artist_ids: Ids = msgspec.field(default_factory=list)
    genre_ids: Ids = msgspec.field(default_factory=list)


class AlbumUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Name | msgspec.UnsetType = msgspec.UNSET
    release_year: Year | None | msgspec.UnsetType = msgspec.UNSET
    artist_ids: Ids | msgspec.UnsetType = msgspec.UNSET
    genre_ids: Ids | msgspec.UnsetType = msgspec.UNSET


class CreditIn(msgspec.Struct, forbid_unknown_fields=True):
    artist_id: uuid.UUID
    role: Role


Credits = Annotated[list[CreditIn], msgspec.Meta(max_length=50)]


class SongCreate(msgspec.Struct, forbid_unknown_fields=True):
    #: May be left out: the audio file's title tag then fills it.
    title: Name | None = None
    album_id: uuid.UUID | None = None
    track_number: Track | None = None
    credits: Credits = msgspec.field(default_factory=list)
    genre_ids: Ids = msgspec.field(default_factory=list)


class SongUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Name | None | msgspec.UnsetType = msgspec.UNSET
    album_id: uuid.UUID | None | msgspec.UnsetType = msgspec.UNSET
    track_number: Track | None | msgspec.UnsetType = msgspec.UNSET
    credits: Credits | msgspec.UnsetType = msgspec.UNSET
    genre_ids: Ids | msgspec.UnsetType = msgspec.UNSET


class GenreOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    created_by: uuid.UUID | None
    created_at: dt.datetime
    permissions: Permissions


class ArtistOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    bio: str | None
    genres: list[GenreRef]
    follower_count: int
    album_count: int
    song_count: int
    #: The detail only (null in lists): up to 100 albums, newest first, and songs, by title.
    albums: list[AlbumRef] | None
    songs: list[SongRef] | None
    created_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    permissions: Permissions


class AlbumOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    release_year: int | None
    artists: list[ArtistRef]
    genres: list[GenreRef]
    #: The served cover (1200 px square JPEG) and its 300 px thumbnail; a replaced cover stays
    #: served until the new one is rendered.
    cover_url: str | None
    cover_thumb_url: str | None
    #: The latest cover upload: processing, ready or failed (null: none), and why it failed.
    cover_status: str | None
    cover_error_code: str | None
    song_count: int
    #: The sum of its songs' probed durations (a song without audio yet counts 0).
    total_duration_seconds: float
    like_count: int
    #: The detail only (null in lists): in track order.
    songs: list[SongRef] | None
    created_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    permissions: Permissions


class SongOut(msgspec.Struct):
    id: uuid.UUID
    title: str | None
    album: AlbumRef | None
    track_number: int | None
    credits: list[CreditView]
    genres: list[GenreRef]
    #: From the served audio's probe; null until a first audio is ready.
    duration_seconds: float | None
    like_count: int
    #: The served audio (AAC) and its waveform peaks; a replaced audio stays served until the new is ready.
    audio_url: str | None
    waveform_url: str | None
    #: The latest audio upload: processing, ready or failed (null: none yet), its error code, and its
    #: job (shown to its uploader, whose ``GET /jobs/{id}`` it is).
    audio_status: str | None
    audio_error_code: str | None
    audio_job_id: uuid.UUID | None
    created_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    permissions: Permissions


class GenrePage(msgspec.Struct):
    items: list[GenreOut]
    total: int
    limit: int
    offset: int


class ArtistPage(msgspec.Struct):
    items: list[ArtistOut]
    total: int
    limit: int
    offset: int


class AlbumPage(msgspec.Struct):
    items: list[AlbumOut]
    total: int
    limit: int
    offset: int


class SongPage(msgspec.Struct):
    items: list[SongOut]
    total: int
    limit: int
    offset: int
