"""GET /api/v1/notifications."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.di import Provide

from api.auth.caller import access_claims, read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
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
        caller, total, items = await read_as(ctx, claims, read)
        check_account(claims, caller)
        return NotificationPage(items=_ITEMS.decode(items), total=total, limit=limit, offset=offset)


_ITEMS = msgspec.json.Decoder(list[NotificationOut])
