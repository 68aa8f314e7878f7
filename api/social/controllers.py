"""Likes and follows: ``PUT|DELETE /api/v1/{songs,albums,playlists}/{id}/like``,
``PUT|DELETE /api/v1/{artists,users,playlists}/{id}/follow``, and the caller's lists of them."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, put
from litestar.di import Provide

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.social.schemas import EdgePage, FollowOut, LikeOut
from api.social.services import SocialService
from storage.models.social import FollowKind, LikeKind
from storage.models.users import User

SONG, ALBUM, PLAYLIST = LikeKind.SONG, LikeKind.ALBUM, LikeKind.PLAYLIST
ARTIST, USER, FOLLOWED_PLAYLIST = FollowKind.ARTIST, FollowKind.USER, FollowKind.PLAYLIST


class SocialController(Controller):
    """Each PUT and DELETE is idempotent and answers the target's count as it is after the call."""

    path = "/api/v1"
    tags = ["likes and follows"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @put("/songs/{target_id:uuid}/like")
    async def like_song(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, SONG, target_id, on=True)

    @delete("/songs/{target_id:uuid}/like", status_code=200)
    async def unlike_song(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, SONG, target_id, on=False)

    @put("/albums/{target_id:uuid}/like")
    async def like_album(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, ALBUM, target_id, on=True)

    @delete("/albums/{target_id:uuid}/like", status_code=200)
    async def unlike_album(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, ALBUM, target_id, on=False)

    @put("/playlists/{target_id:uuid}/like")
    async def like_playlist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, PLAYLIST, target_id, on=True)

    @delete("/playlists/{target_id:uuid}/like", status_code=200)
    async def unlike_playlist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, PLAYLIST, target_id, on=False)

    @put("/artists/{target_id:uuid}/follow")
    async def follow_artist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, ARTIST, target_id, on=True)

    @delete("/artists/{target_id:uuid}/follow", status_code=200)
    async def unfollow_artist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, ARTIST, target_id, on=False)

    @put("/users/{target_id:uuid}/follow")
    async def follow_user(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, USER, target_id, on=True)

    @delete("/users/{target_id:uuid}/follow", status_code=200)
    async def unfollow_user(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, USER, target_id, on=False)

    @put("/playlists/{target_id:uuid}/follow")
    async def follow_playlist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, FOLLOWED_PLAYLIST, target_id, on=True)

    @delete("/playlists/{target_id:uuid}/follow", status_code=200)
    async def unfollow_playlist(self, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, FOLLOWED_PLAYLIST, target_id, on=False)

    @get("/users/me/likes")
    async def my_likes(
        self, ctx: AppContext, claims: TokenClaims, kind: LikeKind | None = None, limit: Limit = 20, offset: Offset = 0
    ) -> EdgePage:
        """What you like (``kind``: song, album, playlist; default all), newest first; one statement."""
        return await SocialService(ctx).likes(claims, kind, limit=limit, offset=offset)

    @get("/users/me/following")
    async def my_following(
        self, ctx: AppContext, claims: TokenClaims, kind: FollowKind | None = None, limit: Limit = 20, offset: Offset = 0
    ) -> EdgePage:
        """Whom you follow (``kind``: artist, user, playlist; default all), newest first; one statement."""
        return await SocialService(ctx).following(claims, kind, limit=limit, offset=offset)
