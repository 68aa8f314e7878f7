"""Notification reads in one statement: the caller's account, the count and one page."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, bindparam, select
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
        where: list[ColumnElement[bool]] = [table.c.user_id == _SUB]
        if unread_only:
            where.append(table.c.read_at.is_(None))
        item = json_object(NOTIFICATION_FIELDS, {name: table.c[name] for name in NOTIFICATION_FIELDS})
        total, items = json_page(table, item, where)
        return select(caller_json(_SUB), total, items)

    return CompiledRead(build)


async def notification_page(
    db: ReadDatabase, caller_id: uuid.UUID, *, unread_only: bool, limit: int, offset: int
) -> tuple[CallerRow | None, int, msgspec.Raw]:
    """The caller's account, how many notifications match, and one page of them (JSON), newest first."""
    caller, total, items = await db.fetch_row(_page(unread_only), sub=caller_id, limit=limit, offset=offset)
    return decode(caller, CallerRow), total, msgspec.Raw(items.encode())


__all__ = ["NOTIFICATION_FIELDS", "notification_page"]
