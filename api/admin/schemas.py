"""Bodies of the admin endpoints: the full account as an administrator sees it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from litestar.params import Parameter

from api.users.schemas import NO_PHOTO, PhotoLinks
from storage.models.users import User

RoleName = Literal["student", "teacher", "admin"]
#: ``?q=``: a fragment of an e-mail, username or display name (no control characters).
SearchText = Annotated[str | None, Parameter(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$", description="search text")]


class AdminUserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    role: RoleName | msgspec.UnsetType = msgspec.UNSET


class AdminUserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    username: str
    role: str
    display_name: str | None
    is_active: bool
    deactivated_at: dt.datetime | None
    email_verified: bool
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    photo_status: str | None
    photo_url: str | None
    photo_thumb_url: str | None


class AdminUserPage(msgspec.Struct):
    items: list[AdminUserOut]
    total: int
    limit: int
    offset: int


def admin_user_out(user: User, photo: PhotoLinks = NO_PHOTO) -> AdminUserOut:
    return AdminUserOut(
        id=user.id,
        email=user.email,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        is_active=user.is_active,
        deactivated_at=user.deactivated_at,
        email_verified=user.email_verified,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
        photo_status=user.photo_status,
        photo_url=photo.url,
        photo_thumb_url=photo.thumb_url,
    )
