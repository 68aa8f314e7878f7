"""The learner's reads in one statement each: a course's progress, all of one's progress, one's courses.

Each statement returns the caller's account row (the account check), the facts the course policy
needs, one page of rows (each course's chapters and those completed, the quiz scores, aggregated
in PostgreSQL) and, where the body carries the streak, the caller's time zone and learning days,
so the streak is computed from the same round trip.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Date, Select, String, and_, bindparam, exists, func, or_, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.learning import Course, Enrollment, LearningDay
from storage.models.quizzes import Quiz, QuizAttempt
from storage.models.users import Role, User
from storage.repositories.course_reads import (
    CourseFactsRow,
    chapter_count,
    completed_count,
    course_facts,
    ordered_page,
    student_count,
)
from storage.repositories.progress import STREAK_HORIZON_DAYS, QuizScore
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object

_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_COURSE = bindparam("course_id", type_=UUID(as_uuid=True))
_SINCE = bindparam("since", type_=Date)
_ROLE = bindparam("role", type_=String)
_EMPTY = func.json_build_array()
_STAFF = (Role.TEACHER.value, Role.ADMIN.value)


class Learner(msgspec.Struct, frozen=True):
    """The caller's streak inputs: time zone, last reset and learning days (``(day, last activity)``)."""

    time_zone: str
    streak_reset_at: dt.datetime | None
    days: list[tuple[dt.date, dt.datetime]]


class CourseRow(msgspec.Struct, frozen=True):
    """One of the caller's courses, as a student (progress) or as its teacher (students)."""

    id: uuid.UUID
    title: str
    instrument: str | None
    level: str | None
    is_published: bool
    is_premium: bool
    teacher_id: uuid.UUID
    chapters: int
    completed: int = 0
    enrolled_at: dt.datetime | None = None
    last_accessed_at: dt.datetime | None = None
    students: int = 0
    quiz_scores: list[QuizScore] = []


def _learner() -> ColumnElement[str]:
    users, days = User.__table__, LearningDay.__table__
    pair = func.json_build_array(days.c.day, days.c.last_activity_at)
    learned = (
        select(func.coalesce(func.json_agg(aggregate_order_by(pair, days.c.day.desc())), _EMPTY))
        .where(days.c.user_id == users.c.id, days.c.day >= _SINCE)
        .scalar_subquery()
    )
    columns = {"time_zone": users.c.time_zone, "streak_reset_at": users.c.streak_reset_at, "days": learned}
    row = json_object(Learner.__struct_fields__, columns)
    return select(as_text(row)).where(users.c.id == _SUB).scalar_subquery()


def _quiz_scores(course_id: Any) -> ColumnElement[Any]:
    """The caller's best result per quiz of the course they attempted, oldest quiz first."""
    quizzes, attempts = Quiz.__table__, QuizAttempt.__table__
    scores = (
        select(
            quizzes.c.created_at,
            quizzes.c.id,
            json_object(
                QuizScore.__struct_fields__,
                {
                    "quiz_id": quizzes.c.id,
                    "title": quizzes.c.title,
                    "best_fraction": func.max(attempts.c.fraction),
                    "passed": func.bool_or(attempts.c.passed),
                    "attempts": func.count(),
                },
            ).label("j"),
        )
        .join(attempts, attempts.c.quiz_id == quizzes.c.id)
        .where(attempts.c.user_id == _SUB, quizzes.c.course_id == course_id)
        .group_by(quizzes.c.id)
        .subquery("scores")
    )
    ordered = aggregate_order_by(scores.c.j, scores.c.created_at, scores.c.id)
    return select(func.coalesce(func.json_agg(ordered), _EMPTY)).scalar_subquery()


_COURSE_FIELDS = ("id", "title", "instrument", "level", "is_published", "is_premium", "teacher_id")


def _studying(where: list[ColumnElement[bool]]) -> tuple[ColumnElement[int], ColumnElement[str]]:
    """The caller's enrolments matching ``where``, most recently enrolled first: count and page."""
    courses, enrollments = Course.__table__, Enrollment.__table__
    columns: dict[str, Any] = {f: courses.c[f] for f in _COURSE_FIELDS}
    columns |= {
        "chapters": chapter_count(courses.c.id),
        "completed": completed_count(courses.c.id, _SUB),
        "enrolled_at": enrollments.c.enrolled_at,
        "last_accessed_at": enrollments.c.last_accessed_at,
        "quiz_scores": _quiz_scores(courses.c.id),
    }
    source = courses.join(enrollments, enrollments.c.course_id == courses.c.id)
    where = [enrollments.c.user_id == _SUB, *where]
    return ordered_page(source, json_object(columns, columns), where, enrollments.c.enrolled_at.desc(), courses.c.id)


def _teaching(where: list[ColumnElement[bool]]) -> tuple[ColumnElement[int], ColumnElement[str]]:
    """The caller's own courses, newest first, with chapter and student counts."""
    courses = Course.__table__
    columns: dict[str, Any] = {f: courses.c[f] for f in _COURSE_FIELDS}
    columns |= {"chapters": chapter_count(courses.c.id), "students": student_count(courses.c.id)}
    where = [courses.c.teacher_id == _SUB, *where]
    return ordered_page(courses, json_object(columns, columns), where, courses.c.created_at.desc(), courses.c.id)


def _course_progress() -> Select[Any]:
    _, items = _studying([Enrollment.__table__.c.course_id == _COURSE])
    return select(caller_json(_SUB), course_facts(_COURSE), items, _learner())


def _my_progress() -> Select[Any]:
    total, items = _studying([])
    return select(caller_json(_SUB), total, items, _learner())


def _teaches() -> ColumnElement[bool]:
    """``role`` asks for the courses taught; without it, teachers and admins get theirs."""
    users = User.__table__
    staff = exists().where(users.c.id == _SUB, or_(*(users.c.role == role for role in _STAFF)))
    return or_(_ROLE.is_not_distinct_from("teacher"), and_(_ROLE.is_(None), staff))  # never NULL: negated


def _my_courses() -> Select[Any]:
    taught, studied = _teaching([_teaches()]), _studying([~_teaches()])
    return select(caller_json(_SUB), *taught, *studied)


_COURSE_PROGRESS = CompiledRead(_course_progress)
_MY_PROGRESS = CompiledRead(_my_progress)
_MY_COURSES = CompiledRead(_my_courses)
_ROWS = msgspec.json.Decoder(list[CourseRow])


def _since() -> dt.date:
    """The earliest learning day a streak can reach (a day of slack for time zones ahead of UTC)."""
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=STREAK_HORIZON_DAYS + 1)


async def course_progress(
    db: ReadDatabase, caller_id: uuid.UUID, course_id: uuid.UUID
) -> tuple[CallerRow | None, CourseFactsRow | None, CourseRow | None, Learner | None]:
    """The caller's account, the course's facts, the caller's progress in it (None: not enrolled), streak inputs."""
    caller, facts, items, learner = await db.fetch_row(
        _COURSE_PROGRESS, sub=caller_id, course_id=course_id, since=_since(), limit=1, offset=0
    )
    rows = _ROWS.decode(items)
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), rows[0] if rows else None, decode(learner, Learner)


async def my_progress(
    db: ReadDatabase, caller_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, int, list[CourseRow], Learner | None]:
    """The caller's account, how many courses they are enrolled in, one page of them, streak inputs."""
    caller, total, items, learner = await db.fetch_row(
        _MY_PROGRESS, sub=caller_id, since=_since(), limit=limit, offset=offset
    )
    return decode(caller, CallerRow), total, _ROWS.decode(items), decode(learner, Learner)


async def my_courses(
    db: ReadDatabase, caller_id: uuid.UUID, role: str | None, *, limit: int, offset: int
) -> tuple[CallerRow | None, int, list[CourseRow], bool]:
    """The caller's account, one page of the courses they teach (``role`` teacher, or staff by
    default) or study (decided in the same statement: the other list is empty), and which it is."""
    caller, taught_total, taught, studied_total, studied = await db.fetch_row(
        _MY_COURSES, sub=caller_id, role=role, limit=limit, offset=offset
    )
    caller_row = decode(caller, CallerRow)
    teaching = role == "teacher" or (role is None and caller_row is not None and caller_row.role in _STAFF)
    total = taught_total if teaching else studied_total
    return caller_row, total, _ROWS.decode(taught if teaching else studied), teaching


__all__ = ["CourseRow", "Learner", "course_progress", "my_courses", "my_progress"]
