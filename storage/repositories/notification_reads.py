"""Notification reads in one statement: the caller's account, the count and one page."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.models.notifications import Notification
from storage.repositories.reads import CallerRow, CompiledRead, ReadDatabase, as_text, caller_json, decode, json_object

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
        total = select(func.count()).select_from(table).where(*where).scalar_subquery()
        item = json_object(NOTIFICATION_FIELDS, {name: table.c[name] for name in NOTIFICATION_FIELDS})
        page = (
            select(item.label("j"), table.c.created_at, table.c.id)
            .where(*where)
            .order_by(table.c.created_at.desc(), table.c.id)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .subquery("page")
        )
        ordered = aggregate_order_by(page.c.j, page.c.created_at.desc(), page.c.id)
        items = select(func.coalesce(func.json_agg(ordered), literal_column("'[]'"))).scalar_subquery()
        return select(caller_json(_SUB), total, as_text(items))

    return CompiledRead(build)


async def notification_page(
    db: ReadDatabase, caller_id: uuid.UUID, *, unread_only: bool, limit: int, offset: int
) -> tuple[CallerRow | None, int, msgspec.Raw]:
    """The caller's account, how many notifications match, and one page of them (JSON), newest first."""
    caller, total, items = await db.fetch_row(_page(unread_only), sub=caller_id, limit=limit, offset=offset)
    return decode(caller, CallerRow), total, msgspec.Raw(items.encode())


__all__ = ["NOTIFICATION_FIELDS", "notification_page"]
