"""Accounts and refresh-token families."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.ids import utcnow
from storage.models.base import Base, Timestamps, UUIDPrimaryKey


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


class ExperienceLevel(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    PROFESSIONAL = "professional"


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", text("lower(email)"), unique=True),
        Index("uq_users_username_lower", text("lower(username)"), unique=True),
    )

    email: Mapped[str] = mapped_column(String(320))
    username: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.STUDENT)
    display_name: Mapped[str | None] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bio: Mapped[str | None] = mapped_column(Text)
    instruments: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list, server_default="{}")
    experience_level: Mapped[str | None] = mapped_column(String(16))
    #: Profile photo: ``processing`` while the images queue works on it, then ``ready`` or ``failed``.
    photo_status: Mapped[str | None] = mapped_column(String(16))
    photo_error_code: Mapped[str | None] = mapped_column(String(64))
    photo_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Carried by access tokens (``sv``); bumped to end every session at once (deactivation,
    #: promotion by ``create-admin``), so older tokens stay dead even after a reactivation.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: IANA zone name; learning streaks count days in it (DESIGN §10).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    #: When the learning streak was last reset (once a day at most).
    streak_reset_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Users following this one (api.social keeps it in the follow's own transaction).
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RefreshToken(Base):
    """One issued refresh token; tokens of one login share a ``family_id`` (rotation, reuse detection)."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)  # the token's jti
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class AccountToken(UUIDPrimaryKey, Base):
    """A single-use, expiring token mailed to a user (e-mail verification, password reset).

    Only the SHA-256 of the token is stored; the token itself exists in the mail alone.
    """

    __tablename__ = "account_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RelationshipStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    REMOVED = "removed"


class Relationship(UUIDPrimaryKey, Timestamps, Base):
    """A teacher-student link, requested by either side. One row per pair, whatever its history."""

    __tablename__ = "relationships"
    __table_args__ = (
        UniqueConstraint("teacher_id", "student_id", name="uq_relationships_pair"),
        CheckConstraint("teacher_id <> student_id", name="not_self"),
        Index("ix_relationships_student", "student_id", "status"),
        Index("ix_relationships_teacher", "teacher_id", "status"),
    )

    teacher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=RelationshipStatus.PENDING)
    responded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
