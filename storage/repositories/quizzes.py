"""Quizzes and attempts: rows, the course facts their policy needs, attempt counts and best scores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.learning import Chapter, Course
from storage.models.quizzes import Quiz, QuizAttempt
from storage.repositories.courses import enrolled_in


@dataclass(frozen=True, slots=True)
class CourseRow:
    """A course's facts for the learning policies, relative to one caller."""

    id: uuid.UUID
    teacher_id: uuid.UUID
    is_published: bool
    enrolled: bool


def course_columns(user_id: uuid.UUID | None) -> tuple[ColumnElement[object], ...]:
    return (Course.id, Course.teacher_id, Course.is_published, enrolled_in(Course.id, user_id).label("enrolled"))


async def course_row(session: AsyncSession, course_id: uuid.UUID, user_id: uuid.UUID | None) -> CourseRow | None:
    row = (await session.execute(select(*course_columns(user_id)).where(Course.id == course_id))).first()
    return CourseRow(*row) if row else None


class QuizRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, quiz: Quiz) -> Quiz:
        self.session.add(quiz)
        await self.session.flush()
        return quiz

    async def with_course(self, quiz_id: uuid.UUID, user_id: uuid.UUID | None) -> tuple[Quiz, CourseRow] | None:
        """The quiz and its course's facts for ``user_id``, in one statement."""
        stmt = (
            select(Quiz, *course_columns(user_id)).join(Course, Course.id == Quiz.course_id).where(Quiz.id == quiz_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], CourseRow(*row[1:])) if row else None


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, quiz_id: uuid.UUID, user_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.user_id == user_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def add(self, attempt: QuizAttempt) -> QuizAttempt:
        self.session.add(attempt)
        await self.session.flush()
        return attempt


async def quiz_in_chapters_course(session: AsyncSession, quiz_id: uuid.UUID, chapter_id: uuid.UUID) -> bool:
    """Whether the quiz belongs to the course of the chapter (a quiz block points at its own course's quiz)."""
    stmt = select(exists().where(Quiz.id == quiz_id, Chapter.id == chapter_id, Quiz.course_id == Chapter.course_id))
    return bool((await session.execute(stmt)).scalar_one())
