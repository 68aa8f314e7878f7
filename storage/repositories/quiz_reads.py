"""A quiz and a course's quizzes in one statement each, with the caller's account and the course's facts.

The quiz's questions come back with their answers only when the caller is the course's teacher
or an admin (the same staff the quiz policy lets see answers); for anyone else PostgreSQL strips
``answer`` from every question before the JSON leaves the database, so a student's body is
built from JSON that never held an answer. The policy still decides, from the facts of the
same row, whether the caller may read the quiz at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, DateTime, Select, bindparam, case, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.learning import Course, Enrollment
from storage.models.quizzes import Quiz, QuizAttempt
from storage.models.users import Role, User
from storage.repositories.course_reads import CourseFactsRow, course_facts, ordered_page
from storage.repositories.courses import premium_active
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object

#: The keys every view of a quiz shows, in the field order of ``api``'s ``QuizBase`` (a test keeps them equal).
QUIZ_FIELDS = ("id", "course_id", "title", "passing_score", "max_attempts", "is_premium", "max_score", "created_at")

#: An attempt's keys (``api``'s ``AttemptOut``) and its best's (``BestScore``); a test keeps them equal.
ATTEMPT_FIELDS = (
    "id", "quiz_id", "user_id", "attempt_number", "score", "max_score", "fraction", "passed", "questions", "created_at",
)  # fmt: skip
BEST_FIELDS = ("score", "max_score", "fraction", "passed")

_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_QUIZ = bindparam("quiz_id", type_=UUID(as_uuid=True))
_COURSE = bindparam("course_id", type_=UUID(as_uuid=True))
_NOW = bindparam("now", type_=DateTime(timezone=True))


class QuizFacts(msgspec.Struct, frozen=True):
    """What the quiz policy needs beside the body: the course's facts and the caller's premium plan."""

    teacher_id: uuid.UUID
    is_published: bool
    enrolled: bool
    quiz_is_premium: bool
    #: Whether the caller has an active premium plan.
    premium: bool
    #: Whether the body holds the answers (the caller teaches the course or is an admin).
    with_answers: bool


def _staff(courses: Any) -> ColumnElement[bool]:
    """The caller teaches the course (a row of ``courses`` in the FROM list), or is an admin."""
    users = User.__table__
    return or_(courses.c.teacher_id == _SUB, exists().where(users.c.id == _SUB, users.c.role == Role.ADMIN.value))


def _without_answers(questions: Any) -> ColumnElement[Any]:
    """The questions in their order, each without its ``answer`` key (a student's view)."""
    element = func.jsonb_array_elements(questions).table_valued("value", with_ordinality="n").render_derived()
    stripped = element.c.value.op("-")(literal_column("'answer'"))
    return (
        select(func.coalesce(func.jsonb_agg(aggregate_order_by(stripped, element.c.n)), func.jsonb_build_array()))
        .select_from(element)
        .scalar_subquery()
    )


def _quiz() -> Select[Any]:
    quizzes, courses, enrollments = Quiz.__table__, Course.__table__, Enrollment.__table__
    staff = _staff(courses)
    enrolled = exists().where(enrollments.c.course_id == courses.c.id, enrollments.c.user_id == _SUB)
    facts = {
        "teacher_id": courses.c.teacher_id,
        "is_published": courses.c.is_published,
        "enrolled": enrolled,
        "quiz_is_premium": quizzes.c.is_premium,
        "premium": premium_active(_SUB, _NOW),
        "with_answers": staff,
    }
    questions = case((staff, quizzes.c.questions), else_=_without_answers(quizzes.c.questions))
    body = {name: quizzes.c[name] for name in QUIZ_FIELDS} | {"questions": questions}
    source = quizzes.join(courses, courses.c.id == quizzes.c.course_id)
    found = select(as_text(json_object(QuizFacts.__struct_fields__, facts))).select_from(source)
    quiz = select(as_text(json_object(body, body))).select_from(source)
    return select(
        caller_json(_SUB),
        found.where(quizzes.c.id == _QUIZ).scalar_subquery(),
        quiz.where(quizzes.c.id == _QUIZ).scalar_subquery(),
    )


def _quizzes() -> Select[Any]:
    quizzes = Quiz.__table__
    item = {name: quizzes.c[name] for name in QUIZ_FIELDS} | {"question_count": func.jsonb_array_length(quizzes.c.questions)}
    total, items = ordered_page(
        quizzes, json_object(item, item), [quizzes.c.course_id == _COURSE], quizzes.c.created_at, quizzes.c.id
    )
    return select(caller_json(_SUB), course_facts(_COURSE), total, items)


def _attempts() -> Select[Any]:
    """A quiz's attempts the caller may list: everyone's (or ``user_id``'s) for the course's staff,
    their own for anyone else (the policy decides whether they may list at all), newest first."""
    attempts, quizzes, courses = QuizAttempt.__table__, Quiz.__table__, Course.__table__
    user_id = bindparam("user_id", type_=UUID(as_uuid=True))
    staff = exists().where(quizzes.c.id == _QUIZ, courses.c.id == quizzes.c.course_id, _staff(courses))
    whose = case((staff, or_(user_id.is_(None), attempts.c.user_id == user_id)), else_=attempts.c.user_id == _SUB)
    where = [attempts.c.quiz_id == _QUIZ, whose]
    item = {name: attempts.c[name] for name in ATTEMPT_FIELDS if name != "questions"}
    item["questions"] = attempts.c.results
    best_fields = {name: attempts.c[name] for name in BEST_FIELDS}
    best = (
        select(as_text(json_object(BEST_FIELDS, best_fields)))
        .where(*where)
        .order_by(attempts.c.fraction.desc(), attempts.c.created_at)
        .limit(1)
        .scalar_subquery()
    )
    total, items = ordered_page(
        attempts, json_object(ATTEMPT_FIELDS, item), where, attempts.c.created_at.desc(), attempts.c.id
    )
    course_id = select(quizzes.c.course_id).where(quizzes.c.id == _QUIZ).scalar_subquery()
    return select(caller_json(_SUB), course_facts(course_id), total, items, best)


_QUIZ_READ, _QUIZ_PAGE, _ATTEMPTS = CompiledRead(_quiz), CompiledRead(_quizzes), CompiledRead(_attempts)


async def quiz_detail(
    db: ReadDatabase, caller_id: uuid.UUID, quiz_id: uuid.UUID, now: dt.datetime
) -> tuple[CallerRow | None, QuizFacts | None, msgspec.Raw]:
    """The caller's account, the quiz's facts (None: no such quiz) and its body: ``QUIZ_FIELDS``
    and ``questions``, with answers only when ``QuizFacts.with_answers``."""
    caller, facts, body = await db.fetch_row(_QUIZ_READ, sub=caller_id, quiz_id=quiz_id, now=now)
    return decode(caller, CallerRow), decode(facts, QuizFacts), msgspec.Raw((body or "null").encode())


async def quiz_page(
    db: ReadDatabase, caller_id: uuid.UUID | None, course_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, CourseFactsRow | None, int, msgspec.Raw]:
    """The caller's account, the course's facts, how many quizzes it has and one page of their
    summaries (``QUIZ_FIELDS`` and ``question_count``, no questions), oldest first."""
    caller, facts, total, items = await db.fetch_row(
        _QUIZ_PAGE, sub=caller_id, course_id=course_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), total, msgspec.Raw(items.encode())


async def attempt_page(
    db: ReadDatabase, caller_id: uuid.UUID, quiz_id: uuid.UUID, user_id: uuid.UUID | None, *, limit: int, offset: int
) -> tuple[CallerRow | None, CourseFactsRow | None, int, msgspec.Raw, msgspec.Raw | None]:
    """The caller's account, the quiz's course facts (None: no such quiz), how many attempts the
    caller may list, one page of them (``ATTEMPT_FIELDS``) and the best of them all (``BEST_FIELDS``)."""
    caller, facts, total, items, best = await db.fetch_row(
        _ATTEMPTS, sub=caller_id, quiz_id=quiz_id, user_id=user_id, limit=limit, offset=offset
    )
    raw_best = None if best is None else msgspec.Raw(best.encode())
    return decode(caller, CallerRow), decode(facts, CourseFactsRow), total, msgspec.Raw(items.encode()), raw_best


__all__ = ["ATTEMPT_FIELDS", "BEST_FIELDS", "QUIZ_FIELDS", "QuizFacts", "attempt_page", "quiz_detail", "quiz_page"]
