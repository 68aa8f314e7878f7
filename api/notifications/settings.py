"""/api/v1/users/me/notification-settings: which kinds reach the caller on which channel."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.notifications.services import NotificationService, NotificationSettingsOut, NotificationSettingsUpdate


class NotificationSettingsController(Controller):
    path = "/api/v1/users/me/notification-settings"
    tags = ["notifications"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @get("/")
    async def get_settings(self, ctx: AppContext, claims: TokenClaims) -> NotificationSettingsOut:
        """Your preferences per kind and channel (``in_app``, ``email``, ``webhook``), defaults filled in."""
        return await NotificationService(ctx).settings(claims)

    @put("/", status_code=HTTP_200_OK)
    async def put_settings(
        self, data: NotificationSettingsUpdate, ctx: AppContext, claims: TokenClaims
    ) -> NotificationSettingsOut:
        """Change some preferences; unknown kinds (``unknown_notification_kind``) or channels
        (``unknown_channel``) are refused with 422."""
        return await NotificationService(ctx).update_settings(claims, data)
