"""Users, refresh tokens and mailed account tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.users import AccountToken, RefreshToken, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def by_login(self, login: str) -> User | None:
        """Find a user by e-mail or username, case-insensitively."""
        needle = login.strip().lower()
        stmt = select(User).where(or_(func.lower(User.email) == needle, func.lower(User.username) == needle))
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def taken(self, *, email: str, username: str) -> set[str]:
        """Which of ``email`` / ``username`` already belong to someone."""
        stmt = select(User.email, User.username).where(
            or_(func.lower(User.email) == email.lower(), func.lower(User.username) == username.lower())
        )
        found: set[str] = set()
        for row_email, row_username in (await self.session.execute(stmt)).all():
            if row_email.lower() == email.lower():
                found.add("email")
            if row_username.lower() == username.lower():
                found.add("username")
        return found

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def by_email(self, email: str) -> User | None:
        """Find a user by e-mail address, case-insensitively."""
        stmt = select(User).where(func.lower(User.email) == email.strip().lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        """The user with its row locked until the transaction ends (photo and admin changes)."""
        stmt = select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_username(self, username: str) -> User | None:
        """Find a user by username, case-insensitively."""
        stmt = select(User).where(func.lower(User.username) == username.strip().lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def search(
        self, *, q: str | None, role: str | None, active: bool | None, limit: int, offset: int
    ) -> tuple[Sequence[User], int]:
        """Users whose e-mail, username or display name contains ``q`` (any case), newest first."""
        conditions: list[ColumnElement[bool]] = []
        if q:
            pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(
                or_(
                    func.lower(User.email).like(pattern, escape="\\"),
                    func.lower(User.username).like(pattern, escape="\\"),
                    func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
        if role is not None:
            conditions.append(User.role == role)
        if active is not None:
            conditions.append(User.is_active.is_(active))
        total = (await self.session.execute(select(func.count()).select_from(User).where(*conditions))).scalar_one()
        stmt = select(User).where(*conditions).order_by(User.created_at.desc(), User.id).limit(limit).offset(offset)
        return (await self.session.execute(stmt)).scalars().all(), total


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def get(self, jti: uuid.UUID) -> RefreshToken | None:
        return await self.session.get(RefreshToken, jti)

    async def mark_used(self, jti: uuid.UUID, now: dt.datetime) -> bool:
        """Atomically use a token; False when it was already used or revoked (a replay)."""
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.id == jti, RefreshToken.used_at.is_(None), RefreshToken.revoked_at.is_(None))
            .values(used_at=now)
            .returning(RefreshToken.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def revoke_family(self, family_id: uuid.UUID, now: dt.datetime) -> None:
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await self.session.execute(stmt)

    async def revoke_user_family(self, user_id: uuid.UUID, family_id: uuid.UUID, now: dt.datetime) -> None:
        """Revoke a family only if it belongs to ``user_id`` (logout names it from the access token)."""
        stmt = (
            update(RefreshToken)
            .where(
                RefreshToken.user_id == user_id, RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None)
            )
            .values(revoked_at=now)
        )
        await self.session.execute(stmt)

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: dt.datetime) -> None:
        """End every session of a user (password reset or change)."""
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await self.session.execute(stmt)


class AccountTokenRepository:
    """Mailed single-use tokens, stored and found by their SHA-256 only."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: AccountToken) -> AccountToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def get(self, token_id: uuid.UUID) -> AccountToken | None:
        return await self.session.get(AccountToken, token_id)

    async def by_hash(self, token_hash: str) -> AccountToken | None:
        stmt = select(AccountToken).where(AccountToken.token_hash == token_hash)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def use(self, token_id: uuid.UUID, now: dt.datetime) -> bool:
        """Atomically spend an unused, unexpired token; False when another request got there first."""
        stmt = (
            update(AccountToken)
            .where(AccountToken.id == token_id, AccountToken.used_at.is_(None), AccountToken.expires_at > now)
            .values(used_at=now)
            .returning(AccountToken.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def discard_unused(self, user_id: uuid.UUID, purpose: str) -> int:
        """Delete a user's outstanding tokens of one purpose (a new one replaces them)."""
        stmt = delete(AccountToken).where(
            AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None)
        )
        return (await self.session.execute(stmt)).rowcount or 0
