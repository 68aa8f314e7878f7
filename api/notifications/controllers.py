"""/api/v1/notifications: the caller's notifications, and marking them read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from litestar import Controller, get, put
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK

from api.auth.caller import access_claims, read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.notifications.services import NotificationService, ReadResult
from storage.repositories.notification_reads import notification_page


class NotificationOut(msgspec.Struct):
    """Decoded straight from the JSON of ``notification_page`` (fields: ``NOTIFICATION_FIELDS``)."""

    id: uuid.UUID
    kind: str
    title: str
    body: str | None
    data: dict[str, Any]
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    total: int
    limit: int
    offset: int
    #: How many of the caller's notifications are unread (whatever the filter).
    unread_count: int


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @get("/")
    async def list_notifications(
        self,
        ctx: AppContext,
        claims: TokenClaims,
        unread: bool = False,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> NotificationPage:
        """The caller's notifications, newest first (one statement, the account check included)."""
        read = notification_page(ctx.reads, claims.sub, unread_only=unread, limit=limit, offset=offset)
        caller, total, items, unread_count = await read_as(ctx, claims, read)
        check_account(claims, caller)
        return NotificationPage(
            items=_ITEMS.decode(items), total=total, limit=limit, offset=offset, unread_count=unread_count
        )

    @put("/{notification_id:uuid}/read", status_code=HTTP_200_OK)
    async def mark_read(self, notification_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ReadResult:
        """Mark one of your notifications read (404 for anyone else's)."""
        return await NotificationService(ctx).mark_read(claims, notification_id)

    @put("/read-all", status_code=HTTP_200_OK)
    async def mark_all_read(self, ctx: AppContext, claims: TokenClaims) -> ReadResult:
        """Mark every notification of yours read."""
        return await NotificationService(ctx).mark_all_read(claims)


_ITEMS = msgspec.json.Decoder(list[NotificationOut])
