"""User bodies: the caller's own account, a public profile, and the profile update."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec

from api.fields import line, text
from storage.models.users import User
from storage.repositories.user_reads import UserView

ExperienceLevel = Literal["beginner", "intermediate", "advanced", "professional"]
DisplayName = Annotated[str, line(min_length=1, max_length=120)]
Bio = Annotated[str, text(max_length=2000)]
Instrument = Annotated[str, line(min_length=1, max_length=40)]
Instruments = Annotated[list[Instrument], msgspec.Meta(max_length=20)]


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """``PATCH /users/me``: an absent field is left alone, ``null`` clears it."""

    display_name: DisplayName | None | msgspec.UnsetType = msgspec.UNSET
    bio: Bio | None | msgspec.UnsetType = msgspec.UNSET
    instruments: Instruments | None | msgspec.UnsetType = msgspec.UNSET
    experience_level: ExperienceLevel | None | msgspec.UnsetType = msgspec.UNSET
    #: IANA time zone (``Europe/Paris``); learning streaks count days in it (422 ``invalid_time_zone``).
    time_zone: Annotated[str, line(min_length=1, max_length=64)] | msgspec.UnsetType = msgspec.UNSET


@dataclass(frozen=True, slots=True)
class PhotoLinks:
    """Signed URLs of the rendered profile photo, when there is one to show."""

    url: str | None = None
    thumb_url: str | None = None


NO_PHOTO = PhotoLinks()


class UsageOut(msgspec.Struct):
    """What the caller stores and uploads, beside the limits (``null``: no limit)."""

    stored_bytes: int
    storage_quota_bytes: int | None
    uploads_in_window: int
    uploads_per_window: int | None
    upload_window_seconds: int | None


class UserOut(msgspec.Struct):
    """The caller's own account."""

    id: uuid.UUID
    email: str
    username: str
    role: str
    display_name: str | None
    bio: str | None
    instruments: list[str]
    experience_level: str | None
    email_verified: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    #: ``null`` (no photo), ``processing``, ``ready`` or ``failed`` (see ``photo_error_code``).
    #: While a new photo is processing, or after it failed, the previous one is still served.
    photo_status: str | None
    photo_error_code: str | None
    #: When a photo was last uploaded or removed.
    photo_updated_at: dt.datetime | None
    photo_url: str | None
    photo_thumb_url: str | None
    #: ``GET /users/me`` only: storage used and uploads made, beside their limits.
    usage: UsageOut | None = None
    #: IANA time zone of the learning streak's days.
    time_zone: str = "UTC"


class PublicUserOut(msgspec.Struct):
    """Someone else's profile, as any signed-in user sees it: no e-mail, no activity."""

    id: uuid.UUID
    username: str
    role: str
    display_name: str | None
    bio: str | None
    instruments: list[str]
    experience_level: str | None
    photo_url: str | None
    photo_thumb_url: str | None


def _profile(user: User | UserView, photo: PhotoLinks) -> dict[str, Any]:
    """The public profile's fields: all of ``PublicUserOut``, and part of ``UserOut``."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "bio": user.bio,
        "instruments": list(user.instruments or []),
        "experience_level": user.experience_level,
        "photo_url": photo.url,
        "photo_thumb_url": photo.thumb_url,
    }


def user_out(user: User | UserView, photo: PhotoLinks = NO_PHOTO) -> UserOut:
    return UserOut(
        **_profile(user, photo),
        email=user.email,
        email_verified=user.email_verified,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        photo_status=user.photo_status,
        photo_error_code=user.photo_error_code,
        photo_updated_at=user.photo_updated_at,
        time_zone=user.time_zone or "UTC",
    )


def public_user_out(user: User | UserView, photo: PhotoLinks = NO_PHOTO) -> PublicUserOut:
    return PublicUserOut(**_profile(user, photo))
