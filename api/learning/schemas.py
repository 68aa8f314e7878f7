"""Progress, streak, plan and usage bodies (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

import msgspec

from storage.repositories.learning_reads import CourseRow
from storage.repositories.progress import QuizScore, percent


class ProgressOut(msgspec.Struct):
    course_id: uuid.UUID
    completed_chapters: int
    total_chapters: int
    #: 0-100
    percent: float
    #: Best result per quiz of the course.
    quiz_scores: list[QuizScore]
    #: When the student last opened or completed a chapter of the course.
    last_accessed: dt.datetime | None
    #: Consecutive days with learning activity, in the caller's time zone (any course).
    streak_days: int


class ProgressPage(msgspec.Struct):
    items: list[ProgressOut]
    total: int
    limit: int
    offset: int
    streak_days: int


def progress_out(row: CourseRow, streak: int) -> ProgressOut:
    """From a ``learning_reads`` row (a course the caller studies)."""
    return ProgressOut(
        course_id=row.id,
        completed_chapters=row.completed,
        total_chapters=row.chapters,
        percent=percent(row.completed, row.chapters),
        quiz_scores=row.quiz_scores,
        last_accessed=row.last_accessed_at,
        streak_days=streak,
    )


class MyCourseOut(msgspec.Struct):
    """One of the caller's courses: as a student (progress) or as its teacher (student count)."""

    id: uuid.UUID
    title: str
    instrument: str | None
    level: str | None
    is_published: bool
    is_premium: bool
    teacher_id: uuid.UUID
    role: Literal["student", "teacher"]
    total_chapters: int
    completed_chapters: int | None = None
    percent: float | None = None
    enrolled_at: dt.datetime | None = None
    last_accessed: dt.datetime | None = None
    student_count: int | None = None


class MyCoursePage(msgspec.Struct):
    items: list[MyCourseOut]
    total: int
    limit: int
    offset: int


def _course_fields(course: CourseRow) -> dict[str, Any]:
    return {
        "id": course.id,
        "title": course.title,
        "instrument": course.instrument,
        "level": course.level,
        "is_published": course.is_published,
        "is_premium": course.is_premium,
        "teacher_id": course.teacher_id,
    }


def studying_out(row: CourseRow) -> MyCourseOut:
    return MyCourseOut(
        **_course_fields(row),
        role="student",
        total_chapters=row.chapters,
        completed_chapters=row.completed,
        percent=percent(row.completed, row.chapters),
        enrolled_at=row.enrolled_at,
        last_accessed=row.last_accessed_at,
    )


def teaching_out(row: CourseRow) -> MyCourseOut:
    return MyCourseOut(**_course_fields(row), role="teacher", total_chapters=row.chapters, student_count=row.students)


class StreakOut(msgspec.Struct):
    streak_days: int
    reset_at: dt.datetime | None


class SubscriptionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    plan: Literal["free", "premium"]
    #: When premium ends (absent or null: until changed).
    period_end: dt.datetime | None = None


class SubscriptionOut(msgspec.Struct):
    user_id: uuid.UUID
    plan: str
    status: str
    period_end: dt.datetime | None
    #: Whether premium is in force now.
    premium: bool


class UsageOut(msgspec.Struct):
    """This calendar month so far, in the user's time zone (``month_start`` carries its offset)."""

    month_start: dt.datetime
    uploads: int
    stored_bytes: int
    processing_seconds: float
    quiz_attempts: int
    premium: bool
