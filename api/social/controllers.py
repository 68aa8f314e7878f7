"""Likes and follows: ``PUT|DELETE /api/v1/{songs,albums,playlists}/{id}/like``,
``PUT|DELETE /api/v1/{artists,users,playlists}/{id}/follow``, and the caller's lists of them."""

from __future__ import annotations

import uuid

from litestar import Controller, Request, delete, get, put
from litestar.di import Provide

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.social.schemas import EdgePage, FollowOut, LikeOut
from api.social.services import SocialService
from storage.models.social import FollowKind, LikeKind
from storage.models.users import User

#: The collection named in the path (``/api/v1/<collection>/{id}/like``) → the kind of like or follow.
LIKED = {"songs": LikeKind.SONG, "albums": LikeKind.ALBUM, "playlists": LikeKind.PLAYLIST}
FOLLOWED = {"artists": FollowKind.ARTIST, "users": FollowKind.USER, "playlists": FollowKind.PLAYLIST}
LIKE_PATHS = [f"/{collection}/{{target_id:uuid}}/like" for collection in LIKED]
FOLLOW_PATHS = [f"/{collection}/{{target_id:uuid}}/follow" for collection in FOLLOWED]


def _collection(request: Request) -> str:
    return request.url.path.split("/")[3]  # "", "api", "v1", <collection>, <id>, "like" | "follow"


class SocialController(Controller):
    """Each PUT and DELETE is idempotent and answers the target's count as it is after the call."""

    path = "/api/v1"
    tags = ["likes and follows"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @put(LIKE_PATHS)
    async def like(self, request: Request, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        """Like a song, an album or a playlist you may see (verified e-mail)."""
        return await SocialService(ctx).like(current_user, LIKED[_collection(request)], target_id, on=True)

    @delete(LIKE_PATHS, status_code=200)
    async def unlike(self, request: Request, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> LikeOut:
        return await SocialService(ctx).like(current_user, LIKED[_collection(request)], target_id, on=False)

    @put(FOLLOW_PATHS)
    async def follow(self, request: Request, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        """Follow an artist (you hear of their new songs and albums), a user, or a playlist you may see."""
        return await SocialService(ctx).follow(current_user, FOLLOWED[_collection(request)], target_id, on=True)

    @delete(FOLLOW_PATHS, status_code=200)
    async def unfollow(self, request: Request, target_id: uuid.UUID, ctx: AppContext, current_user: User) -> FollowOut:
        return await SocialService(ctx).follow(current_user, FOLLOWED[_collection(request)], target_id, on=False)

    @get("/users/me/likes")
    async def my_likes(
        self, ctx: AppContext, claims: TokenClaims, kind: LikeKind | None = None, limit: Limit = 20, offset: Offset = 0
    ) -> EdgePage:
        """What you like (``kind``: song, album, playlist; default all), newest first; one statement."""
        return await SocialService(ctx).likes(claims, kind, limit=limit, offset=offset)

    @get("/users/me/following")
    async def my_following(
        self,
        ctx: AppContext,
        claims: TokenClaims,
        kind: FollowKind | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> EdgePage:
        """Whom you follow (``kind``: artist, user, playlist; default all), newest first; one statement."""
        return await SocialService(ctx).following(claims, kind, limit=limit, offset=offset)
