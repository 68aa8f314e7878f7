"""GET /api/v1/notifications."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from litestar import Controller, get

from api.context import AppContext
from api.fields import Limit, Offset
from storage.models.users import User
from storage.repositories.notifications import NotificationRepository


class NotificationOut(msgspec.Struct):
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

    @get("/")
    async def list_notifications(
        self,
        ctx: AppContext,
        current_user: User,
        unread: bool = False,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> NotificationPage:
        """The caller's notifications, newest first."""
        async with ctx.sessions() as session:
            rows, total = await NotificationRepository(session).list_for_user(
                current_user.id, limit=limit, offset=offset, unread_only=unread
            )
        items = [
            NotificationOut(
                id=n.id,
                kind=n.kind,
                title=n.title,
                body=n.body,
                data=n.data,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in rows
        ]
        return NotificationPage(items=items, total=total, limit=limit, offset=offset)
