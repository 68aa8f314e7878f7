"""User bodies."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from storage.models.users import User


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    username: str
    role: str
    display_name: str | None
    email_verified: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        email_verified=user.email_verified,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )
