"""Like, unlike, follow, unfollow: idempotent, the target's counter changed in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.playlists import PlaylistAction
from api.authz.principal import require_verified
from api.context import AppContext
from api.playlists.services import authorized_locked
from api.social.schemas import EdgePage, FollowOut, LikeOut
from core.errors import NotFound, ValidationFailed
from storage.models.social import FollowKind, LikeKind
from storage.models.users import User
from storage.repositories.playlists import PlaylistRepository
from storage.repositories.social import FOLLOWS, LIKES, Edge, SocialRepository
from storage.repositories.social_reads import edge_page


class SocialService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def like(self, caller: User, kind: LikeKind, target_id: uuid.UUID, *, on: bool) -> LikeOut:
        count = await self._set(caller, LIKES[kind], target_id, on=on)
        return LikeOut(kind=kind.value, id=target_id, liked=on, like_count=count)

    async def follow(self, caller: User, kind: FollowKind, target_id: uuid.UUID, *, on: bool) -> FollowOut:
        if kind == FollowKind.USER and target_id == caller.id:
            raise ValidationFailed("you cannot follow yourself", error_code="cannot_follow_self")
        count = await self._set(caller, FOLLOWS[kind], target_id, on=on)
        return FollowOut(kind=kind.value, id=target_id, following=on, follower_count=count)

    async def _set(self, caller: User, edge: Edge, target_id: uuid.UUID, *, on: bool) -> int:
        require_verified(caller)
        async with self.ctx.sessions.begin() as session:
            repo = SocialRepository(session)
            if edge.kind == "playlist":
                # A private playlist exists only for its members (404 to others).
                await authorized_locked(PlaylistRepository(session), caller, target_id, PlaylistAction.REACT)
            elif not await repo.lock_target(edge, target_id):
                raise NotFound(f"no such {edge.kind}", error_code=f"{edge.kind}_not_found")
            if on:
                return await repo.add(edge, caller.id, target_id)
            return await repo.remove(edge, caller.id, target_id)

    async def likes(self, claims: TokenClaims, kind: LikeKind | None, *, limit: int, offset: int) -> EdgePage:
        return await self._page(claims, [LIKES[kind]] if kind else list(LIKES.values()), limit, offset)

    async def following(self, claims: TokenClaims, kind: FollowKind | None, *, limit: int, offset: int) -> EdgePage:
        return await self._page(claims, [FOLLOWS[kind]] if kind else list(FOLLOWS.values()), limit, offset)

    async def _page(self, claims: TokenClaims, edges: Sequence[Edge], limit: int, offset: int) -> EdgePage:
        read = edge_page(self.ctx.reads, claims.sub, edges, limit=limit, offset=offset)
        caller, total, items = await read_as(self.ctx, claims, read)
        check_account(claims, caller)
        return EdgePage(items=items, total=total, limit=limit, offset=offset)
