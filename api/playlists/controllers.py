"""/api/v1/playlists: playlists with several owners, their ordered items and their members."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.auth.caller import optional_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.playlists.editing import PlaylistEditor
from api.playlists.schemas import (
    ItemCreate,
    ItemMove,
    ItemPage,
    MemberAdd,
    PlaylistCreate,
    PlaylistOut,
    PlaylistPage,
    PlaylistUpdate,
)
from api.playlists.services import PlaylistService
from storage.models.users import User

#: OpenAPI: a token is optional (public playlists); ``{}`` is the "no security" alternative.
OPTIONAL_TOKEN = [{}, {"BearerToken": []}]
#: A page of items may be long: a playlist is read in a few pages, each one statement.
ItemLimit = Annotated[int, Parameter(ge=1, le=500, description="page size")]


class PlaylistsController(Controller):
    path = "/api/v1/playlists"
    tags = ["playlists"]
    dependencies = {"claims": Provide(optional_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @post("/", status_code=HTTP_201_CREATED)
    async def create_playlist(self, data: PlaylistCreate, ctx: AppContext, current_user: User) -> PlaylistOut:
        """Create a playlist (verified e-mail); you are its first owner."""
        return await PlaylistService(ctx).create(current_user, data)

    @get("/", security=OPTIONAL_TOKEN)
    async def list_playlists(
        self, ctx: AppContext, claims: TokenClaims | None, mine: bool = False, limit: Limit = 20, offset: Offset = 0
    ) -> PlaylistPage:
        """Public playlists and yours (``mine=true``: yours only), newest first."""
        return await PlaylistService(ctx).list(claims, mine=mine, limit=limit, offset=offset)

    @get("/{playlist_id:uuid}", security=OPTIONAL_TOKEN)
    async def get_playlist(self, playlist_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None) -> PlaylistOut:
        """A public playlist, or a private one you are a member of (404 otherwise)."""
        return await PlaylistService(ctx).read(claims, playlist_id)

    @patch("/{playlist_id:uuid}")
    async def update_playlist(
        self, playlist_id: uuid.UUID, data: PlaylistUpdate, ctx: AppContext, current_user: User
    ) -> PlaylistOut:
        """Change title, description, is_public (owners)."""
        return await PlaylistService(ctx).update(current_user, playlist_id, data)

    @delete("/{playlist_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_playlist(self, playlist_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the playlist (owners)."""
        await PlaylistService(ctx).delete(current_user, playlist_id)

    @get("/{playlist_id:uuid}/items", security=OPTIONAL_TOKEN)
    async def list_items(
        self,
        playlist_id: uuid.UUID,
        ctx: AppContext,
        claims: TokenClaims | None,
        limit: ItemLimit = 100,
        offset: Offset = 0,
    ) -> ItemPage:
        """The playlist's items by position (0-based), each with its song; one statement per page."""
        return await PlaylistService(ctx).items(claims, playlist_id, limit=limit, offset=offset)

    @post("/{playlist_id:uuid}/items", status_code=HTTP_201_CREATED)
    async def add_item(
        self, playlist_id: uuid.UUID, data: ItemCreate, ctx: AppContext, current_user: User
    ) -> PlaylistOut:
        """Add a song at ``position`` (0..song_count; default: the end); later items move down (owners, editors)."""
        return await PlaylistEditor(ctx).add_item(current_user, playlist_id, data)

    @patch("/{playlist_id:uuid}/items/{item_id:uuid}")
    async def move_item(
        self, playlist_id: uuid.UUID, item_id: uuid.UUID, data: ItemMove, ctx: AppContext, current_user: User
    ) -> PlaylistOut:
        """Move an item to ``position`` (0..song_count-1); the items between shift by one."""
        return await PlaylistEditor(ctx).move_item(current_user, playlist_id, item_id, data.position)

    @delete("/{playlist_id:uuid}/items/{item_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def remove_item(self, playlist_id: uuid.UUID, item_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Remove an item; the later ones move up."""
        await PlaylistEditor(ctx).remove_item(current_user, playlist_id, item_id)

    @post("/{playlist_id:uuid}/members", status_code=HTTP_201_CREATED)
    async def set_member(
        self, playlist_id: uuid.UUID, data: MemberAdd, ctx: AppContext, current_user: User
    ) -> Response[PlaylistOut]:
        """Add a member by ``user_id`` or ``username`` as ``owner`` or ``editor`` (owners): 201, or 200 for a
        member whose role changed."""
        out, added = await PlaylistEditor(ctx).set_member(current_user, playlist_id, data)
        return Response(out, status_code=HTTP_201_CREATED if added else HTTP_200_OK)

    @delete("/{playlist_id:uuid}/members/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def remove_member(self, playlist_id: uuid.UUID, user_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Remove a member (owners), or leave (yourself); the last owner cannot leave (409 ``last_owner``)."""
        await PlaylistEditor(ctx).remove_member(current_user, playlist_id, user_id)
