"""Finding people: the directory of active teachers, and an exact username lookup."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, any_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.users import Role, User

#: Instrument names cannot hold control characters (``api.fields.line``), so a tab joins them safely.
_SEP = "\t"


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def teachers(
        self, *, instrument: str | None, q: str | None, limit: int, offset: int
    ) -> tuple[Sequence[User], int]:
        """Active teachers, by username; ``instrument`` matches one of theirs (any case), ``q`` a part
        of the username or display name. One statement: the total rides on each row."""
        where: list[ColumnElement[bool]] = [User.role == Role.TEACHER, User.is_active.is_(True)]
        if instrument:
            lowered = func.string_to_array(func.lower(func.array_to_string(User.instruments, _SEP)), _SEP)
            where.append(literal(instrument.strip().lower()) == any_(lowered))
        if q:
            pattern = _like(q.strip())
            where.append(
                or_(
                    func.lower(User.username).like(pattern, escape="\\"),
                    func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
        stmt = (
            select(User, func.count().over())
            .where(*where)
            .order_by(func.lower(User.username), User.id)
            .limit(limit)
            .offset(offset)
        )
        rows = (await self.session.execute(stmt)).all()
        if rows or offset == 0:
            return [row[0] for row in rows], (rows[0][1] if rows else 0)
        total = (await self.session.execute(select(func.count()).select_from(User).where(*where))).scalar_one()
        return [], total

    async def active_by_username(self, username: str) -> User | None:
        """The active user with exactly this username (usernames are unique whatever their case)."""
        stmt = select(User).where(func.lower(User.username) == username.strip().lower(), User.is_active.is_(True))
        return (await self.session.execute(stmt)).scalar_one_or_none()
