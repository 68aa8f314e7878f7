"""Catalogue views (one-statement reads) as response bodies, with the caller's permissions and media URLs."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from api.authz.library import catalogue_permissions
from api.authz.principal import Principal
from api.context import AppContext
from api.library.schemas import AlbumOut, ArtistOut, GenreOut, SongOut
from api.recordings.presenter import MediaUrls
from core.errors import NotFound
from storage.objects.keys import album_key
from storage.repositories.library_json import AlbumView, ArtistView, GenreView, SongView
from storage.repositories.library_reads import Kind, catalogue_detail


def _permissions(caller: Principal | None, view: Any) -> list[str]:
    allowed = catalogue_permissions(caller, view.created_by, song=isinstance(view, SongView))
    return sorted(p.value for p in allowed)


def genre_out(view: GenreView, caller: Principal | None) -> GenreOut:
    return GenreOut(**msgspec.structs.asdict(view), permissions=_permissions(caller, view))


def artist_out(view: ArtistView, caller: Principal | None) -> ArtistOut:
    return ArtistOut(**msgspec.structs.asdict(view), permissions=_permissions(caller, view))


async def album_out(ctx: AppContext, view: AlbumView, caller: Principal | None) -> AlbumOut:
    urls = MediaUrls(ctx)
    return AlbumOut(
        id=view.id,
        title=view.title,
        release_year=view.release_year,
        artists=view.artists,
        genres=view.genres,
        cover_url=await urls.url_for(view.cover_key) if view.cover_key else None,
        cover_thumb_url=await urls.url_for(album_key(view.id, "cover_thumb.jpg")) if view.cover_key else None,
        cover_status=view.cover_status,
        cover_error_code=view.cover_error_code,
        song_count=view.song_count,
        total_duration_seconds=round(view.total_duration_seconds, 3),
        like_count=view.like_count,
        songs=view.songs,
        created_by=view.created_by,
        created_at=view.created_at,
        updated_at=view.updated_at,
        permissions=_permissions(caller, view),
    )


async def song_out(ctx: AppContext, view: SongView, caller: Principal | None) -> SongOut:
    audio, urls = view.audio, MediaUrls(ctx)
    uploader = caller is not None and audio.owner_id == caller.id
    return SongOut(
        id=view.id,
        title=view.title,
        album=view.album,
        track_number=view.track_number,
        credits=view.credits,
        genres=view.genres,
        duration_seconds=view.duration_seconds,
        like_count=view.like_count,
        audio_url=await urls.url_for(audio.audio_key) if audio.audio_key else None,
        waveform_url=await urls.url_for(audio.waveform_key) if audio.waveform_key else None,
        audio_status=audio.status,
        audio_error_code=audio.error_code,
        audio_job_id=audio.job_id if uploader else None,
        created_by=view.created_by,
        created_at=view.created_at,
        updated_at=view.updated_at,
        permissions=_permissions(caller, view),
    )


async def present(ctx: AppContext, kind: Kind, view: Any, caller: Principal | None) -> Any:
    """The body of an entry of ``kind`` from its view."""
    if kind == Kind.GENRE:
        return genre_out(view, caller)
    if kind == Kind.ARTIST:
        return artist_out(view, caller)
    if kind == Kind.ALBUM:
        return await album_out(ctx, view, caller)
    return await song_out(ctx, view, caller)


async def body_after_write(ctx: AppContext, kind: Kind, caller: Principal, entry_id: uuid.UUID) -> Any:
    """What a ``GET`` of the entry answers the writer, read back through the same statement."""
    view = (await catalogue_detail(ctx.reads, kind, caller.id, entry_id)).view
    if view is None:  # deleted by someone else in between
        raise NotFound(f"no such {kind.value}", error_code=f"{kind.value}_not_found")
    return await present(ctx, kind, view, caller)
