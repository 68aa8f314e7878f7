"""User reads in one statement: the caller's own account, or another user's profile with the caller's."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects.postgresql import UUID

from storage.db import ReadDatabase
from storage.models.users import User
from storage.repositories.recordings import stored_bytes_of
from storage.repositories.reads import (
    CallerRow,
    CompiledRead,
    as_text,
    caller_json,
    decode,
    json_object,
    table_columns,
)


class UserView(msgspec.Struct, frozen=True):
    """An account's row without secrets: its own view, a public profile, and the account check."""

    id: uuid.UUID
    email: str
    username: str
    role: str
    display_name: str | None
    bio: str | None
    instruments: list[str]
    experience_level: str | None
    is_active: bool
    email_verified: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    photo_status: str | None
    photo_error_code: str | None
    photo_updated_at: dt.datetime | None
    password_changed_at: dt.datetime | None
    session_version: int
    time_zone: str = "UTC"


_SUB = bindparam("sub", type_=UUID(as_uuid=True))


def _user_json(user_id: Any) -> Any:
    users = User.__table__
    fields = UserView.__struct_fields__
    row = json_object(fields, table_columns(users, fields))
    return select(as_text(row)).where(users.c.id == user_id).scalar_subquery()


def _own() -> Select[Any]:
    return select(_user_json(_SUB))


def _own_with_storage() -> Select[Any]:
    return select(_user_json(_SUB), stored_bytes_of(_SUB))


def _other() -> Select[Any]:
    return select(caller_json(_SUB), _user_json(bindparam("user_id", type_=UUID(as_uuid=True))))


_OWN, _OWN_WITH_STORAGE, _OTHER = CompiledRead(_own), CompiledRead(_own_with_storage), CompiledRead(_other)


async def own_account(db: ReadDatabase, caller_id: uuid.UUID) -> UserView | None:
    """The caller's account: the account check (and the body of ``/users/me``) in one row."""
    (view,) = await db.fetch_row(_OWN, sub=caller_id)
    return decode(view, UserView)


async def own_account_and_storage(db: ReadDatabase, caller_id: uuid.UUID) -> tuple[UserView | None, int]:
    """The caller's account and the bytes it stores (``/users/me`` shows them beside the quota), in one row."""
    view, stored = await db.fetch_row(_OWN_WITH_STORAGE, sub=caller_id)
    return decode(view, UserView), int(stored or 0)


async def user_profile(
    db: ReadDatabase, caller_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[CallerRow | None, UserView | None]:
    """The caller's account and another user's row (``None``: no such user)."""
    caller, view = await db.fetch_row(_OTHER, sub=caller_id, user_id=user_id)
    return decode(caller, CallerRow), decode(view, UserView)


__all__ = ["UserView", "own_account", "own_account_and_storage", "user_profile"]
