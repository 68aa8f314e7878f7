"""Assessments: write one, list a recording's, and read a student's progress in one statement."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import Select, bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import ReadDatabase
from storage.models.feedback import Assessment
from storage.models.users import Relationship, RelationshipStatus, User
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object, table_columns

#: The criteria a progress chart shows, in order; each an integer column of ``assessments``.
CRITERIA = ("rating", "technique", "musicality", "rhythm", "overall")


def teaches(teacher_id: Any, student_id: Any) -> Any:
    """``EXISTS`` an ACTIVE relationship in which ``teacher_id`` teaches ``student_id``."""
    rel = Relationship.__table__
    return exists().where(
        rel.c.teacher_id == teacher_id,
        rel.c.student_id == student_id,
        rel.c.status == RelationshipStatus.ACTIVE.value,
    )


class AssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Assessment) -> Assessment:
        self.session.add(row)
        await self.session.flush()
        return row

    async def caller_teaches(self, teacher_id: uuid.UUID, student_id: uuid.UUID) -> bool:
        return bool((await self.session.execute(select(teaches(teacher_id, student_id)))).scalar_one())

    async def for_recording(
        self, recording_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[tuple[Assessment, User]], int]:
        """The recording's assessments with their teachers, newest first."""
        where = Assessment.recording_id == recording_id
        total = (await self.session.execute(select(func.count()).select_from(Assessment).where(where))).scalar_one()
        stmt = (
            select(Assessment, User)
            .join(User, User.id == Assessment.teacher_id)
            .where(where)
            .order_by(Assessment.created_at.desc(), Assessment.id)
            .limit(limit)
            .offset(offset)
        )
        return [(a, u) for a, u in (await self.session.execute(stmt)).all()], total


class ProgressPoint(msgspec.Struct, frozen=True):
    id: uuid.UUID
    recording_id: uuid.UUID
    created_at: dt.datetime
    rating: int
    technique: int | None
    musicality: int | None
    rhythm: int | None
    overall: int | None


class StudentRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    caller_teaches: bool


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_STUDENT = bindparam("student_id", type_=UUID(as_uuid=True))


def _progress() -> Select[Any]:
    users, table = User.__table__, Assessment.__table__
    student = json_object(StudentRow.__struct_fields__, {"id": users.c.id, "caller_teaches": teaches(_SUB, users.c.id)})
    student_row = select(as_text(student)).where(users.c.id == _STUDENT, users.c.is_active.is_(True))
    fields = ProgressPoint.__struct_fields__
    point = json_object(fields, table_columns(table, fields))
    ordered = aggregate_order_by(point, table.c.created_at, table.c.id)
    points = select(func.coalesce(func.json_agg(ordered), literal_column("'[]'"))).where(table.c.student_id == _STUDENT)
    return select(caller_json(_SUB), student_row.scalar_subquery(), as_text(points.scalar_subquery()))


_PROGRESS = CompiledRead(_progress)


async def student_progress(
    db: ReadDatabase, caller_id: uuid.UUID, student_id: uuid.UUID
) -> tuple[CallerRow | None, StudentRow | None, list[ProgressPoint]]:
    """The caller's account, the student (``None``: no such active user) and every assessment, oldest first."""
    caller, student, points = await db.fetch_row(_PROGRESS, sub=caller_id, student_id=student_id)
    return decode(caller, CallerRow), decode(student, StudentRow), msgspec.json.decode(points, type=list[ProgressPoint])


__all__ = ["CRITERIA", "AssessmentRepository", "ProgressPoint", "StudentRow", "student_progress", "teaches"]
