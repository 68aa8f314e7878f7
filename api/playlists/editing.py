"""Items and members of a playlist: each change one transaction under the playlist's row lock.

Two owners reordering at once are serialised by the lock, and each sees the positions the other
committed (``compact`` reads them again under the lock), so positions stay 0..n-1 with no
duplicate and no gap (the deferred unique constraint would refuse the commit otherwise).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api.authz.playlists import PlaylistAction, authorize_member_removal, check_role_change
from api.context import AppContext
from api.playlists.schemas import ItemCreate, MemberAdd, PlaylistOut
from api.playlists.services import PlaylistService, authorized_locked, facts_of
from core.errors import NotFound, ValidationFailed
from storage.models.playlists import PlaylistRole
from storage.models.users import User
from storage.repositories.catalogue_refs import SONGS
from storage.repositories.playlists import PlaylistRepository, check_position
from storage.repositories.users import UserRepository


class PlaylistEditor:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def add_item(self, caller: User, playlist_id: uuid.UUID, data: ItemCreate) -> PlaylistOut:
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            await authorized_locked(repo, caller, playlist_id, PlaylistAction.EDIT_ITEMS)
            # KEY SHARE: the song cannot be deleted before this transaction commits its item.
            song = select(SONGS.c.id).where(SONGS.c.id == data.song_id).with_for_update(key_share=True)
            if (await session.execute(song)).first() is None:
                raise ValidationFailed("no such song", error_code="song_not_found")
            count = await repo.compact(playlist_id)
            position = check_position(data.position, count, inserting=True)
            await repo.insert_item(playlist_id, data.song_id, position, count, caller.id)
        return await PlaylistService(self.ctx).view_after_write(caller, playlist_id)

    async def move_item(self, caller: User, playlist_id: uuid.UUID, item_id: uuid.UUID, position: int) -> PlaylistOut:
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            await authorized_locked(repo, caller, playlist_id, PlaylistAction.EDIT_ITEMS)
            count = await repo.compact(playlist_id)
            item = await repo.item(playlist_id, item_id)
            if item is None:
                raise NotFound("no such item in this playlist", error_code="item_not_found")
            new = check_position(position, count, inserting=False)
            await repo.move_item(playlist_id, item_id, item.position, new)
        return await PlaylistService(self.ctx).view_after_write(caller, playlist_id)

    async def remove_item(self, caller: User, playlist_id: uuid.UUID, item_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            await authorized_locked(repo, caller, playlist_id, PlaylistAction.EDIT_ITEMS)
            count = await repo.compact(playlist_id)
            item = await repo.item(playlist_id, item_id)
            if item is None:
                raise NotFound("no such item in this playlist", error_code="item_not_found")
            await repo.remove_item(playlist_id, item_id, item.position, count)

    async def set_member(self, caller: User, playlist_id: uuid.UUID, data: MemberAdd) -> tuple[PlaylistOut, bool]:
        """Add a member or change a member's role; returns the playlist and whether one was added."""
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            found = await authorized_locked(repo, caller, playlist_id, PlaylistAction.MANAGE_MEMBERS)
            user = await _named_user(UserRepository(session), data)
            old_role = await repo.member_role(playlist_id, user.id)
            check_role_change(old_role, data.role, found.owner_count)
            await repo.set_member(playlist_id, user.id, data.role)
        return await PlaylistService(self.ctx).view_after_write(caller, playlist_id), old_role is None

    async def remove_member(self, caller: User, playlist_id: uuid.UUID, user_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            repo = PlaylistRepository(session)
            found = await authorized_locked(repo, caller, playlist_id, PlaylistAction.VIEW)
            role = await repo.member_role(playlist_id, user_id)
            # A stranger to the member list is told no more than the policy lets them know.
            authorize_member_removal(caller, facts_of(found), user_id, role or PlaylistRole.EDITOR)
            if role is None:
                raise NotFound("no such member", error_code="member_not_found")
            await repo.remove_member(playlist_id, user_id)


async def _named_user(users: UserRepository, data: MemberAdd) -> User:
    if (data.user_id is None) == (data.username is None):
        raise ValidationFailed("name the member by user_id or by username", error_code="member_required")
    user = await users.get(data.user_id) if data.user_id is not None else await users.by_username(data.username or "")
    if user is None or not user.is_active:
        raise NotFound("no such user", error_code="user_not_found")
    return user
