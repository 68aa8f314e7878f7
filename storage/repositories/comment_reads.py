"""A page of a recording's comment threads in one statement, replies inline, with the caller's account.

The statement returns the caller's account row, the facts the recording policy needs (owner,
public, shared with the caller), how many threads match the filters, and one page of threads
ordered by their moment, each with its author and its replies (oldest first) aggregated by
PostgreSQL: a page of 50 threads and all their replies is one round trip.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import msgspec
from sqlalchemy import Boolean, ColumnElement, Integer, Select, String, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.feedback import Comment
from storage.models.recordings import Recording, RecordingShare, RecordingStatus
from storage.models.users import User
from storage.repositories.submissions import taught_submission
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object, table_columns

#: The keys of each comment's JSON object, in the field order of ``api``'s ``CommentOut`` (a reply
#: is a ``CommentOut`` with no replies of its own), which decodes them directly; a test keeps them equal.
COMMENT_FIELDS = (
    "id",
    "recording_id",
    "author",
    "body",
    "at_seconds",
    "end_seconds",
    "category",
    "parent_id",
    "resolved",
    "deleted",
    "reply_count",
    "replies",
    "created_at",
    "updated_at",
)
AUTHOR_FIELDS = ("id", "username", "display_name")


class RecordingAccess(msgspec.Struct, frozen=True):
    """What the recording policy needs to decide whether the caller sees the comments."""

    owner_id: uuid.UUID
    is_public: bool
    shared_with_caller: bool
    teaches_submission: bool


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_RECORDING_ID = bindparam("recording_id", type_=UUID(as_uuid=True))
_EMPTY = literal_column("'[]'")


def _author(author_id: ColumnElement[Any]) -> ColumnElement[Any]:
    users = User.__table__.alias("author")
    row = json_object(AUTHOR_FIELDS, table_columns(users, AUTHOR_FIELDS))
    return select(row).where(users.c.id == author_id).scalar_subquery()


def comment_json(c: Any, replies: ColumnElement[Any], reply_count: ColumnElement[Any]) -> ColumnElement[Any]:
    """One comment of ``c`` (an alias of the table) as JSON, its author embedded."""
    extra = {"author": _author(c.c.author_id), "replies": replies, "reply_count": reply_count}
    return json_object(COMMENT_FIELDS, table_columns(c, COMMENT_FIELDS, **extra))


def _thread_json(root: Any) -> ColumnElement[Any]:
    reply = Comment.__table__.alias("reply")
    reply_item = comment_json(reply, literal_column("'[]'::json"), literal_column("0"))
    ordered = aggregate_order_by(reply_item, reply.c.created_at, reply.c.id)
    replies = select(func.coalesce(func.json_agg(ordered), _EMPTY)).where(reply.c.parent_id == root.c.id)
    count = select(func.count()).select_from(reply).where(reply.c.parent_id == root.c.id)
    return comment_json(root, replies.scalar_subquery(), count.scalar_subquery())


def _access() -> ColumnElement[str]:
    rec, shares = Recording.__table__, RecordingShare.__table__
    shared = exists().where(shares.c.recording_id == rec.c.id, shares.c.user_id == _SUB)
    fields = RecordingAccess.__struct_fields__
    taught = taught_submission(rec.c.id, _SUB)
    row = json_object(fields, table_columns(rec, fields, shared_with_caller=shared, teaches_submission=taught))
    visible = (rec.c.id == _RECORDING_ID, rec.c.status != RecordingStatus.DELETED.value)
    return select(as_text(row)).where(*visible).scalar_subquery()


@functools.cache
def _page(has_category: bool, has_resolved: bool) -> CompiledRead:
    def build() -> Select[Any]:
        root = Comment.__table__.alias("root")
        where: list[ColumnElement[bool]] = [root.c.recording_id == _RECORDING_ID, root.c.parent_id.is_(None)]
        if has_category:
            where.append(root.c.category == bindparam("category", type_=String))
        if has_resolved:
            where.append(root.c.resolved == bindparam("resolved", type_=Boolean))
        total = select(func.count()).select_from(root).where(*where).scalar_subquery()
        # The page's ids first, and the JSON of those 50 threads only: built in the select list of
        # the sorted query, PostgreSQL would build it for every thread before the LIMIT.
        page = (
            select(root.c.id, root.c.at_seconds, root.c.created_at)
            .where(*where)
            .order_by(root.c.at_seconds, root.c.created_at, root.c.id)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .subquery("page")
        )
        thread = Comment.__table__.alias("thread")
        # A lookup by primary key per thread of the page, never a join that could scan the table.
        one = select(_thread_json(thread)).where(thread.c.id == page.c.id).scalar_subquery()
        ordered = aggregate_order_by(one, page.c.at_seconds, page.c.created_at, page.c.id)
        items = select(func.coalesce(func.json_agg(ordered), _EMPTY)).select_from(page).scalar_subquery()
        return select(caller_json(_SUB), _access(), total, as_text(items))

    return CompiledRead(build)


async def comment_page(
    db: ReadDatabase,
    caller_id: uuid.UUID,
    recording_id: uuid.UUID,
    *,
    category: str | None,
    resolved: bool | None,
    limit: int,
    offset: int,
) -> tuple[CallerRow | None, RecordingAccess | None, int, bytes]:
    """The caller's account, the recording's access facts (``None``: no such recording), how many
    threads match, and one page of them (JSON text of ``COMMENT_FIELDS`` objects)."""
    read = _page(category is not None, resolved is not None)
    params = {"sub": caller_id, "recording_id": recording_id, "limit": limit, "offset": offset}
    params |= {"category": category, "resolved": resolved}
    caller, access, total, items = await db.fetch_row(read, **params)
    return decode(caller, CallerRow), decode(access, RecordingAccess), total, items.encode()


__all__ = ["AUTHOR_FIELDS", "COMMENT_FIELDS", "RecordingAccess", "comment_json", "comment_page"]
