"""Profiles: the caller's own account and update, other users' public profiles, photo URLs."""

from __future__ import annotations

import uuid

import msgspec

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.recordings.quota import usage_of
from api.recordings.presenter import MediaUrls
from api.users.schemas import NO_PHOTO, PhotoLinks, PublicUserOut, UserOut, UserUpdate, public_user_out, user_out
from core.errors import NotFound, ValidationFailed
from core.streaks import valid_time_zone
from storage.models.users import User
from storage.objects.keys import user_key
from storage.repositories import user_reads
from storage.repositories.user_reads import UserView
from storage.repositories.users import UserRepository

PHOTO_READY = "ready"


async def photo_links(ctx: AppContext, user: User | UserView) -> PhotoLinks:
    """Signed URLs of the user's rendered photo, or none.

    ``ready`` means the latest upload is rendered. While a newer upload is ``processing`` or after
    it ``failed``, the previous rendering (if any) is still in place and still shown: the worker
    only replaces ``profile.jpg`` once the new photo is rendered.
    """
    if user.photo_status is None:
        return NO_PHOTO
    profile = user_key(user.id, "profile.jpg")
    if user.photo_status != PHOTO_READY and await ctx.store.stat(profile) is None:
        return NO_PHOTO
    urls = MediaUrls(ctx)
    return PhotoLinks(
        url=await urls.url_for(profile), thumb_url=await urls.url_for(user_key(user.id, "profile_thumb.jpg"))
    )


async def present_user(ctx: AppContext, user: User) -> UserOut:
    return user_out(user, await photo_links(ctx, user))


class UserService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def update_me(self, user: User, data: UserUpdate) -> UserOut:
        changes = _profile_changes(data)
        async with self.ctx.sessions.begin() as session:
            target = await UserRepository(session).get_for_update(user.id)
            if target is None:  # deleted between authentication and now
                raise NotFound("no such user", error_code="user_not_found")
            for field, value in changes.items():
                setattr(target, field, value)
        return await present_user(self.ctx, target)

    async def own_account(self, claims: TokenClaims) -> UserOut:
        """The caller's account: its row is both the account check and the body (one statement)."""
        account, stored = await read_as(self.ctx, claims, user_reads.own_account_and_storage(self.ctx.reads, claims.sub))
        user = check_account(claims, account)
        out = user_out(user, await photo_links(self.ctx, user))
        out.usage = await usage_of(self.ctx, user.id, stored)
        return out

    async def public_profile(self, claims: TokenClaims, user_id: uuid.UUID) -> PublicUserOut:
        """Any signed-in user may see another's profile; a deactivated account does not exist."""
        caller, user = await read_as(self.ctx, claims, user_reads.user_profile(self.ctx.reads, claims.sub, user_id))
        check_account(claims, caller)
        if user is None or not user.is_active:
            raise NotFound("no such user", error_code="user_not_found")
        return public_user_out(user, await photo_links(self.ctx, user))


def _profile_changes(data: UserUpdate) -> dict[str, object]:
    """The columns to set: text trimmed (blank clears), instruments trimmed and de-duplicated."""
    changes: dict[str, object] = {}
    for field in ("display_name", "bio"):
        value = getattr(data, field)
        if value is not msgspec.UNSET:
            changes[field] = (value or "").strip() or None
    if data.experience_level is not msgspec.UNSET:
        changes["experience_level"] = data.experience_level
    if data.instruments is not msgspec.UNSET:
        changes["instruments"] = _instruments(data.instruments or [])
    if data.time_zone is not msgspec.UNSET:
        if not valid_time_zone(data.time_zone.strip()):
            raise ValidationFailed(f"unknown time zone {data.time_zone!r}", error_code="invalid_time_zone")
        changes["time_zone"] = data.time_zone.strip()
    return changes


def _instruments(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            raise ValidationFailed("instrument names cannot be blank", error_code="validation_error")
        if name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept
