"""Notification reads in one statement: the caller's account, the count, the unread count and one page."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import UUID

from storage.db import ReadDatabase
from storage.models.notifications import Notification
from storage.repositories.reads import CallerRow, CompiledRead, caller_json, decode, json_object, json_page

#: The keys of each item's JSON object, in the field order of ``api``'s ``NotificationOut``, which
#: decodes them directly (a test keeps the two equal).
NOTIFICATION_FIELDS = ("id", "kind", "title", "body", "data", "created_at", "read_at")

_SUB = bindparam("sub", type_=UUID(as_uuid=True))


@functools.cache
def _page(unread_only: bool) -> CompiledRead:
    def build() -> Select[Any]:
        table = Notification.__table__
        # Rows whose kind the recipient keeps out of the app record the event but are never listed.
        mine: list[ColumnElement[bool]] = [table.c.user_id == _SUB, table.c.in_app.is_(True)]
        unread = [*mine, table.c.read_at.is_(None)]
        item = json_object(NOTIFICATION_FIELDS, {name: table.c[name] for name in NOTIFICATION_FIELDS})
        total, items = json_page(table, item, unread if unread_only else mine)
        unread_count = select(func.count()).select_from(table).where(*unread).scalar_subquery()
        return select(caller_json(_SUB), total, items, unread_count)

    return CompiledRead(build)


async def notification_page(
    db: ReadDatabase, caller_id: uuid.UUID, *, unread_only: bool, limit: int, offset: int
) -> tuple[CallerRow | None, int, msgspec.Raw, int]:
    """The caller's account, how many notifications match, one page of them (JSON), newest first,
    and how many are unread."""
    caller, total, items, unread = await db.fetch_row(_page(unread_only), sub=caller_id, limit=limit, offset=offset)
    return decode(caller, CallerRow), total, msgspec.Raw(items.encode()), unread


__all__ = ["NOTIFICATION_FIELDS", "notification_page"]
