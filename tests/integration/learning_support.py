"""Courses seeded straight into the database (many chapters, many students) for statement counts and the bench."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from storage.models.learning import Chapter, ChapterCompletion, Course, Enrollment
from storage.models.users import User


@dataclass(frozen=True, slots=True)
class SeededCourse:
    id: uuid.UUID
    chapter_ids: list[uuid.UUID]


async def seed_course(
    sessions: async_sessionmaker[AsyncSession],
    teacher_id: uuid.UUID,
    *,
    chapters: int,
    students: int,
    learner_id: uuid.UUID | None = None,
    completed: int = 0,
) -> SeededCourse:
    """A published course with ``chapters`` chapters and ``students`` new enrolled students, plus
    ``learner_id`` enrolled with the first ``completed`` chapters done."""
    course_id, now = new_id(), utcnow()
    chapter_ids = [new_id() for _ in range(chapters)]
    student_ids = [new_id() for _ in range(students)]
    async with sessions.begin() as session:
        await session.execute(
            insert(Course).values(id=course_id, teacher_id=teacher_id, title="Seeded", is_published=True)
        )
        if chapter_ids:
            await session.execute(
                insert(Chapter),
                [{"id": c, "course_id": course_id, "position": i + 1, "title": f"Chapter {i + 1}"}
                 for i, c in enumerate(chapter_ids)],
            )  # fmt: skip
        if student_ids:
            await session.execute(
                insert(User),
                [{"id": s, "email": f"{s.hex}@example.test", "username": s.hex[:20], "password_hash": "x",
                  "role": "student", "email_verified": True} for s in student_ids],
            )  # fmt: skip
        enrolled = [*student_ids, *([learner_id] if learner_id else [])]
        if enrolled:
            await session.execute(
                insert(Enrollment), [{"course_id": course_id, "user_id": u, "enrolled_at": now} for u in enrolled]
            )
        if learner_id and completed:
            await session.execute(
                insert(ChapterCompletion),
                [{"user_id": learner_id, "chapter_id": c, "completed_at": now} for c in chapter_ids[:completed]],
            )
    return SeededCourse(course_id, chapter_ids)
