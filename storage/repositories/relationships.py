"""Teacher-student relationships: one row per pair, whatever its history."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models.users import Relationship, RelationshipStatus, User

#: A relationship with its teacher and student rows.
RelationshipRow = tuple[Relationship, User, User]


class RelationshipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, relationship_id: uuid.UUID, *, for_update: bool = False) -> Relationship | None:
        stmt = select(Relationship).where(Relationship.id == relationship_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_pair(self, teacher_id: uuid.UUID, student_id: uuid.UUID) -> Relationship | None:
        """The pair's row, locked: requests for one pair are serialised."""
        stmt = (
            select(Relationship)
            .where(Relationship.teacher_id == teacher_id, Relationship.student_id == student_id)
            .with_for_update()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add_pending(
        self, *, teacher_id: uuid.UUID, student_id: uuid.UUID, requested_by: uuid.UUID, now: dt.datetime
    ) -> Relationship | None:
        """Insert a pending request; ``None`` when a concurrent request created the pair first."""
        stmt = (
            insert(Relationship)
            .values(
                id=uuid.uuid4(),
                teacher_id=teacher_id,
                student_id=student_id,
                requested_by=requested_by,
                status=RelationshipStatus.PENDING,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(constraint="uq_relationships_pair")
            .returning(Relationship.id)
        )
        new_id = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if new_id is None else await self.get(new_id)

    async def with_users(self, relationship_id: uuid.UUID) -> RelationshipRow | None:
        teacher, student = aliased(User), aliased(User)
        stmt = _joined(teacher, student).where(Relationship.id == relationship_id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1], row[2])

    async def list_for_user(
        self, user_id: uuid.UUID, *, as_teacher: bool | None, status: str | None, limit: int, offset: int
    ) -> tuple[Sequence[RelationshipRow], int]:
        """The user's relationships, most recently changed first.

        Args:
            as_teacher: True for those where the user is the teacher, False the student, None both.
            status: only relationships in this status.
        """
        if as_teacher is None:
            where = [or_(Relationship.teacher_id == user_id, Relationship.student_id == user_id)]
        else:
            where = [(Relationship.teacher_id if as_teacher else Relationship.student_id) == user_id]
        if status is not None:
            where.append(Relationship.status == status)
        count = select(func.count()).select_from(Relationship).where(*where)
        total = (await self.session.execute(count)).scalar_one()
        teacher, student = aliased(User), aliased(User)
        stmt = (
            _joined(teacher, student)
            .where(*where)
            .order_by(Relationship.updated_at.desc(), Relationship.id)
            .limit(limit)
            .offset(offset)
        )
        return [(r, t, s) for r, t, s in (await self.session.execute(stmt)).all()], total


def _joined(teacher: type[User], student: type[User]):  # noqa: ANN202 - a Select of three entities
    return (
        select(Relationship, teacher, student)
        .join(teacher, teacher.id == Relationship.teacher_id)
        .join(student, student.id == Relationship.student_id)
    )
