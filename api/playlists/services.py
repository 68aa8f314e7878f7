"""Playlists: reads in one statement each, writes under the playlist's row lock, all authorized by
``api.authz.playlists``."""

from __future__ import annotations

import uuid

import msgspec

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.principal import require_verified
from api.authz.playlists import PlaylistAction, PlaylistFacts, authorize_playlist, playlist_permissions
from api.context import AppContext
from api.playlists.schemas import ItemPage, PlaylistCreate, PlaylistOut, PlaylistPage, PlaylistUpdate, playlist_out
from core.errors import NotFound, Unauthorized
from storage.models.playlists import Playlist
from storage.models.users import User
from storage.repositories.playlist_reads import PlaylistView, playlist_detail, playlist_items, playlist_page
from storage.repositories.playlists import Locked, PlaylistRepository
from storage.repositories.reads import CallerRow

__all__ = ["PlaylistService", "authorized_locked", "facts_of"]


def facts_of(view: PlaylistView | Locked) -> PlaylistFacts:
    if isinstance(view, Locked):
        return PlaylistFacts(view.playlist.is_public, view.caller_role, view.owner_count)
    return PlaylistFacts(view.is_public, view.caller_role, view.owner_count)


async def authorized_locked(
    repo: PlaylistRepository, caller: User | None, playlist_id: uuid.UUID, action: PlaylistAction
) -> Locked:
    """The playlist locked for this transaction, once ``caller`` may do ``action`` (404/401/403)."""
    found = await repo.locked(playlist_id, caller.id if caller is not None else None)
    if found is None:
        raise NotFound("no such playlist", error_code="playlist_not_found")
    authorize_playlist(caller, facts_of(found), action)
    return found


class PlaylistService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- reads: one statement, the caller's account check included

    async def read(self, claims: TokenClaims | None, playlist_id: uuid.UUID) -> PlaylistOut:
        caller_row, view = await read_as(self.ctx, claims, playlist_detail(self.ctx.reads, _sub(claims), playlist_id))
        return _viewable(_caller(claims, caller_row), view)

    async def list(self, claims: TokenClaims | None, *, mine: bool, limit: int, offset: int) -> PlaylistPage:
        """Public playlists and the caller's (``mine``: the caller's only), newest first."""
        if mine and claims is None:
            raise Unauthorized("an access token is required (Authorization: Bearer …)")
        read = playlist_page(self.ctx.reads, _sub(claims), member_only=mine, limit=limit, offset=offset)
        caller_row, total, views = await read_as(self.ctx, claims, read)
        caller = _caller(claims, caller_row)
        items = [playlist_out(v, playlist_permissions(caller, facts_of(v))) for v in views]
        return PlaylistPage(items=items, total=total, limit=limit, offset=offset)

    async def items(self, claims: TokenClaims | None, playlist_id: uuid.UUID, *, limit: int, offset: int) -> ItemPage:
        read = playlist_items(self.ctx.reads, _sub(claims), playlist_id, limit=limit, offset=offset)
        caller_row, view, items = await read_as(self.ctx, claims, read)
        _viewable(_caller(claims, caller_row), view)
        assert view is not None  # noqa: S101 - _viewable raised otherwise
        return ItemPage(items=items, total=view.song_count, limit=limit, offset=offset)

    async def view_after_write(self, caller: User, playlist_id: uuid.UUID) -> PlaylistOut:
        """The playlist as the caller sees it now (after their committed write)."""
        _, view = await playlist_detail(self.ctx.reads, caller.id, playlist_id)
        return _viewable(caller, view)

    # -- writes

    async def create(self, caller: User, data: PlaylistCreate) -> PlaylistOut:
        require_verified(caller)
        async with self.ctx.sessions.begin() as session:
            playlist = Playlist(
                title=data.title, description=data.description, is_public=data.is_public, created_by=caller.id
            )
            await PlaylistRepository(session).create(playlist, caller.id)
        return await self.view_after_write(caller, playlist.id)

    async def update(self, caller: User, playlist_id: uuid.UUID, data: PlaylistUpdate) -> PlaylistOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
        async with self.ctx.sessions.begin() as session:
            found = await authorized_locked(PlaylistRepository(session), caller, playlist_id, PlaylistAction.UPDATE)
            for field, value in changes.items():
                setattr(found.playlist, field, value)
        return await self.view_after_write(caller, playlist_id)

    async def delete(self, caller: User, playlist_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            found = await authorized_locked(repo, caller, playlist_id, PlaylistAction.DELETE)
            await repo.delete(found.playlist)


def _sub(claims: TokenClaims | None) -> uuid.UUID | None:
    return claims.sub if claims is not None else None


def _caller(claims: TokenClaims | None, row: CallerRow | None) -> CallerRow | None:
    return check_account(claims, row) if claims is not None else None


def _viewable(caller: CallerRow | User | None, view: PlaylistView | None) -> PlaylistOut:
    if view is None:
        raise NotFound("no such playlist", error_code="playlist_not_found")
    permissions = authorize_playlist(caller, facts_of(view), PlaylistAction.VIEW)
    return playlist_out(view, frozenset(p.value for p in permissions))
