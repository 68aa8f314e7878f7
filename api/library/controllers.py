"""/api/v1/genres, /api/v1/artists, /api/v1/albums: the catalogue's CRUD (songs: ``api.library.songs``).

Reads need no token (``optional_claims``); writes take the signed-in ``current_user``.
"""

from __future__ import annotations

import uuid

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.caller import optional_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.library.cover import AlbumCoverService
from api.library.listing import (
    ArtistSort,
    FullSort,
    GenreParam,
    GenreSort,
    Query,
    YearParam,
    catalogue_filter,
    page_body,
)
from api.library.presenter import album_out, artist_out, body_after_write, genre_out
from api.library.reads import read_detail
from api.library.schemas import (
    AlbumCreate,
    AlbumOut,
    AlbumPage,
    AlbumUpdate,
    ArtistCreate,
    ArtistOut,
    ArtistPage,
    ArtistUpdate,
    GenreCreate,
    GenreOut,
    GenrePage,
    GenreUpdate,
)
from api.library.services import CatalogueService
from api.uploads import FormBody
from storage.models.library import Album, Artist, Genre
from storage.models.users import User
from storage.repositories.library_reads import Kind

#: OpenAPI: a token is optional; ``{}`` is the "no security" alternative.
OPTIONAL_TOKEN = [{}, {"BearerToken": []}]
_CLAIMS = {"claims": Provide(optional_claims, sync_to_thread=False)}


class GenresController(Controller):
    path = "/api/v1/genres"
    tags = ["library"]
    dependencies = _CLAIMS

    @post("/", status_code=HTTP_201_CREATED)
    async def create_genre(self, data: GenreCreate, ctx: AppContext, current_user: User) -> GenreOut:
        """Add a genre (teachers, admins); 409 ``genre_exists`` for a name taken in any case."""
        genre_id = await CatalogueService(ctx).create(current_user, data)
        return await body_after_write(ctx, Kind.GENRE, current_user, genre_id)

    @get("/", security=OPTIONAL_TOKEN)
    async def list_genres(
        self, ctx: AppContext, claims: TokenClaims | None, q: Query = None, sort: GenreSort = "title",
        limit: Limit = 20, offset: Offset = 0,
    ) -> GenrePage:  # fmt: skip
        """Genres, by name unless sorted otherwise."""
        where = catalogue_filter(q)
        return GenrePage(**await page_body(ctx, claims, Kind.GENRE, where, sort=sort, limit=limit, offset=offset))

    @get("/{genre_id:uuid}", security=OPTIONAL_TOKEN)
    async def get_genre(self, genre_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None) -> GenreOut:
        caller, view = await read_detail(ctx, claims, Kind.GENRE, genre_id)
        return genre_out(view, caller)

    @patch("/{genre_id:uuid}")
    async def update_genre(
        self, genre_id: uuid.UUID, data: GenreUpdate, ctx: AppContext, current_user: User
    ) -> GenreOut:
        await CatalogueService(ctx).update(current_user, Genre, genre_id, data)
        return await body_after_write(ctx, Kind.GENRE, current_user, genre_id)

    @delete("/{genre_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_genre(self, genre_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the genre; artists, albums and songs simply lose it."""
        await CatalogueService(ctx).delete(current_user, Genre, genre_id)


class ArtistsController(Controller):
    path = "/api/v1/artists"
    tags = ["library"]
    dependencies = _CLAIMS

    @post("/", status_code=HTTP_201_CREATED)
    async def create_artist(self, data: ArtistCreate, ctx: AppContext, current_user: User) -> ArtistOut:
        """Add an artist (teachers, admins); unknown ``genre_ids`` are 422 ``unknown_genre``."""
        artist_id = await CatalogueService(ctx).create(current_user, data)
        return await body_after_write(ctx, Kind.ARTIST, current_user, artist_id)

    @get("/", security=OPTIONAL_TOKEN)
    async def list_artists(
        self, ctx: AppContext, claims: TokenClaims | None, q: Query = None, genre: GenreParam = None,
        sort: ArtistSort = "title", limit: Limit = 20, offset: Offset = 0,
    ) -> ArtistPage:  # fmt: skip
        """Artists with their album and song counts (``-likes``: most followed first)."""
        where = catalogue_filter(q, genre)
        return ArtistPage(**await page_body(ctx, claims, Kind.ARTIST, where, sort=sort, limit=limit, offset=offset))

    @get("/{artist_id:uuid}", security=OPTIONAL_TOKEN)
    async def get_artist(self, artist_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None) -> ArtistOut:
        """The artist with its albums (newest first) and the songs it is credited on."""
        caller, view = await read_detail(ctx, claims, Kind.ARTIST, artist_id)
        return artist_out(view, caller)

    @patch("/{artist_id:uuid}")
    async def update_artist(
        self, artist_id: uuid.UUID, data: ArtistUpdate, ctx: AppContext, current_user: User
    ) -> ArtistOut:
        await CatalogueService(ctx).update(current_user, Artist, artist_id, data)
        return await body_after_write(ctx, Kind.ARTIST, current_user, artist_id)

    @delete("/{artist_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_artist(self, artist_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the artist and its credits; albums and songs stay."""
        await CatalogueService(ctx).delete(current_user, Artist, artist_id)


class AlbumsController(Controller):
    path = "/api/v1/albums"
    tags = ["library"]
    dependencies = _CLAIMS

    @post("/", status_code=HTTP_201_CREATED)
    async def create_album(self, data: AlbumCreate, ctx: AppContext, current_user: User) -> AlbumOut:
        """Add an album (teachers, admins): artists in billing order, genres, release year."""
        album_id = await CatalogueService(ctx).create(current_user, data)
        return await body_after_write(ctx, Kind.ALBUM, current_user, album_id)

    @get("/", security=OPTIONAL_TOKEN)
    async def list_albums(
        self, ctx: AppContext, claims: TokenClaims | None, q: Query = None, genre: GenreParam = None,
        artist_id: uuid.UUID | None = None, year: YearParam = None, sort: FullSort = "title",
        limit: Limit = 20, offset: Offset = 0,
    ) -> AlbumPage:  # fmt: skip
        """Albums with ``song_count`` and ``total_duration_seconds`` (``duration`` sorts by the latter)."""
        where = catalogue_filter(q, genre, artist_id=artist_id, year=year)
        return AlbumPage(**await page_body(ctx, claims, Kind.ALBUM, where, sort=sort, limit=limit, offset=offset))

    @get("/{album_id:uuid}", security=OPTIONAL_TOKEN)
    async def get_album(self, album_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None) -> AlbumOut:
        """The album with its songs in track order."""
        caller, view = await read_detail(ctx, claims, Kind.ALBUM, album_id)
        return await album_out(ctx, view, caller)

    @patch("/{album_id:uuid}")
    async def update_album(
        self, album_id: uuid.UUID, data: AlbumUpdate, ctx: AppContext, current_user: User
    ) -> AlbumOut:
        await CatalogueService(ctx).update(current_user, Album, album_id, data)
        return await body_after_write(ctx, Kind.ALBUM, current_user, album_id)

    @delete("/{album_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_album(self, album_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the album and its cover; its songs stay, on no album."""
        await CatalogueService(ctx).delete(current_user, Album, album_id)

    @put(
        "/{album_id:uuid}/cover",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # MAX_PHOTO_BYTES is enforced while streaming
        summary="Upload the album's cover (multipart/form-data: file; JPEG, PNG or WebP, at most 10 MiB)",
    )
    async def put_cover(self, album_id: uuid.UUID, request: Request, ctx: AppContext, current_user: User) -> AlbumOut:
        """Replace the cover (its creator or an admin); it is rendered in the background (``cover_status``)."""
        await AlbumCoverService(ctx).upload(FormBody.of(request), current_user, album_id)
        return await body_after_write(ctx, Kind.ALBUM, current_user, album_id)

    @delete("/{album_id:uuid}/cover", status_code=HTTP_204_NO_CONTENT)
    async def delete_cover(self, album_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Remove the cover (its creator or an admin)."""
        await AlbumCoverService(ctx).delete(current_user, album_id)
