"""Users and refresh tokens."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.users import RefreshToken, User


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
