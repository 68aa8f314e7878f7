"""Marking notifications read, and the caller's notification preferences."""

from __future__ import annotations

import uuid

import msgspec

from api.auth.guards import check_account
from api.authz.ownership import authorize_owner
from api.auth.tokens import TokenClaims
from api.context import AppContext
from core.errors import ValidationFailed
from core.ids import utcnow
from core.notification_prefs import CHANNELS, KINDS, UnknownSetting, effective, merge
from storage.repositories.notification_settings import NotificationSettingsRepository
from storage.repositories.notifications import NotificationRepository
from storage.repositories.users import UserRepository

PrefsMap = dict[str, dict[str, bool]]


class ReadResult(msgspec.Struct):
    #: Notifications this call marked read (0 when they already were).
    marked: int


class NotificationSettingsOut(msgspec.Struct):
    """Every kind (and ``default``, for kinds not listed) with every channel, defaults filled in."""

    settings: PrefsMap
    kinds: list[str]
    channels: list[str]


class NotificationSettingsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """``{"settings": {kind: {channel: bool}}}``: only what changes; the rest stays."""

    settings: PrefsMap


def settings_out(stored: PrefsMap) -> NotificationSettingsOut:
    return NotificationSettingsOut(settings=effective(stored), kinds=list(KINDS), channels=list(CHANNELS))


class NotificationService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def mark_read(self, claims: TokenClaims, notification_id: uuid.UUID) -> ReadResult:
        async with self.ctx.sessions.begin() as session:
            check_account(claims, await UserRepository(session).get(claims.sub))
            notifications = NotificationRepository(session)
            row = await notifications.get(notification_id)
            # A row kept out of the app is not the recipient's to see either.
            authorize_owner(claims.sub, row.user_id if row is not None and row.in_app else None, what="notification")
            assert row is not None  # noqa: S101 - authorize_owner refused a missing row
            was_unread = row.read_at is None
            await notifications.mark_read(notification_id, claims.sub, utcnow())
        return ReadResult(marked=int(was_unread))

    async def mark_all_read(self, claims: TokenClaims) -> ReadResult:
        async with self.ctx.sessions.begin() as session:
            check_account(claims, await UserRepository(session).get(claims.sub))
            marked = await NotificationRepository(session).mark_all_read(claims.sub, utcnow())
        return ReadResult(marked=marked)

    async def settings(self, claims: TokenClaims) -> NotificationSettingsOut:
        async with self.ctx.sessions() as session:
            check_account(claims, await UserRepository(session).get(claims.sub))
            stored = await NotificationSettingsRepository(session).get(claims.sub)
        return settings_out(stored)

    async def update_settings(self, claims: TokenClaims, data: NotificationSettingsUpdate) -> NotificationSettingsOut:
        async with self.ctx.sessions.begin() as session:
            check_account(claims, await UserRepository(session).get(claims.sub))
            repo = NotificationSettingsRepository(session)
            try:
                merged = merge(await repo.get(claims.sub, for_update=True), data.settings)
            except UnknownSetting as exc:
                raise ValidationFailed(str(exc), error_code=exc.error_code) from None
            await repo.save(claims.sub, merged)
        return settings_out(merged)
