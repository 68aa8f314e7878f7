"""/api/v1/songs: the catalogue's songs, and their audio (``PUT /songs/{id}/audio``)."""

from __future__ import annotations

import uuid

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.tokens import TokenClaims
from api.conditional import NOT_MODIFIED, client_has, not_modified, tag_headers
from api.context import AppContext
from api.fields import Limit, Offset
from api.library.audio import SongAudioService
from api.library.controllers import _CLAIMS, OPTIONAL_TOKEN
from api.library.listing import FullSort, GenreParam, Query, YearParam, catalogue_filter, page_body
from api.library.presenter import body_after_write, song_out
from api.library.reads import read_found, song_etag
from api.library.schemas import SongCreate, SongOut, SongPage, SongUpdate
from api.library.services import CatalogueService
from api.uploads import FormBody
from storage.models.library import Song
from storage.models.users import User
from storage.repositories.library_reads import Kind


class SongsController(Controller):
    path = "/api/v1/songs"
    tags = ["library"]
    dependencies = _CLAIMS

    @post("/", status_code=HTTP_201_CREATED)
    async def create_song(self, data: SongCreate, ctx: AppContext, current_user: User) -> SongOut:
        """Add a song (teachers, admins): album, track, credits by role, genres. Its duration comes
        from its audio (``PUT /songs/{id}/audio``), never from the body."""
        song_id = await CatalogueService(ctx).create(current_user, data)
        return await body_after_write(ctx, Kind.SONG, current_user, song_id)

    @get("/", security=OPTIONAL_TOKEN)
    async def list_songs(
        self, ctx: AppContext, claims: TokenClaims | None, q: Query = None, genre: GenreParam = None,
        artist_id: uuid.UUID | None = None, album_id: uuid.UUID | None = None, year: YearParam = None,
        sort: FullSort = "title", limit: Limit = 20, offset: Offset = 0,
    ) -> SongPage:  # fmt: skip
        """Songs (``artist_id``: credited in any role; ``year``: their album's release year)."""
        where = catalogue_filter(q, genre, artist_id=artist_id, album_id=album_id, year=year)
        return SongPage(**await page_body(ctx, claims, Kind.SONG, where, sort=sort, limit=limit, offset=offset))

    @get("/{song_id:uuid}", security=OPTIONAL_TOKEN, responses=NOT_MODIFIED)
    async def get_song(
        self, request: Request, song_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None
    ) -> Response[SongOut]:
        """The song with its credits, genres, album, and its audio's URL, waveform and job state.

        Answers with an ``ETag`` (clients poll the audio's state); ``If-None-Match`` with the
        current one answers 304 without a body.
        """
        found = await read_found(ctx, claims, Kind.SONG, song_id)
        etag = song_etag(found, ctx.settings.media.media_url_ttl_seconds)
        if client_has(request, etag):
            return not_modified(etag)
        return Response(await song_out(ctx, found.view, found.caller), headers=tag_headers(etag))

    @patch("/{song_id:uuid}")
    async def update_song(self, song_id: uuid.UUID, data: SongUpdate, ctx: AppContext, current_user: User) -> SongOut:
        await CatalogueService(ctx).update(current_user, Song, song_id, data)
        return await body_after_write(ctx, Kind.SONG, current_user, song_id)

    @delete("/{song_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_song(self, song_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the song; its audio recordings are removed by a worker."""
        await CatalogueService(ctx).delete(current_user, Song, song_id)

    @put(
        "/{song_id:uuid}/audio",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # enforced while streaming (MAX_UPLOAD_BYTES)
        summary="Give the song its audio (multipart/form-data: file)",
    )
    async def put_audio(self, song_id: uuid.UUID, request: Request, ctx: AppContext, current_user: User) -> SongOut:
        """WAV, MP3, FLAC, AAC/M4A, Ogg, or a video (its sound is kept): processed like a recording
        (duration, AAC, waveform); tags fill what the song leaves empty. The current audio stays
        served until the new one is ready, and stays if it fails."""
        await SongAudioService(ctx).upload(FormBody.of(request), current_user, song_id)
        return await body_after_write(ctx, Kind.SONG, current_user, song_id)
