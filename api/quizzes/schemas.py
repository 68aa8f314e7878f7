"""Quiz and attempt bodies.

The teacher's view of a question carries its ``answer``; the student's view is a *different*
struct (``QuestionPublic``) that has no such field at all, so an answer cannot leak through a
forgotten blanking step: the encoder has nowhere to put it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from api.fields import line, text

QuestionKind = Literal["single", "multiple", "true_false", "short_text"]
QuestionId = Annotated[str, line(min_length=1, max_length=64)]
Option = Annotated[str, line(min_length=1, max_length=500)]
#: A question's answer: an option (single), options (multiple), a boolean (true_false), text (short_text).
Answer = bool | Annotated[str, line(max_length=500)] | Annotated[list[Option], msgspec.Meta(max_length=50)]


class QuestionIn(msgspec.Struct, forbid_unknown_fields=True):
    id: QuestionId
    text: Annotated[str, text(max_length=2000), msgspec.Meta(min_length=1)]
    kind: QuestionKind
    answer: Answer
    options: Annotated[list[Option], msgspec.Meta(max_length=50)] | None = None
    points: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1


class QuizCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, line(min_length=1, max_length=200)]
    questions: Annotated[list[QuestionIn], msgspec.Meta(min_length=1, max_length=200)]
    passing_score: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.7
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    is_premium: bool = False


class QuestionOut(msgspec.Struct):
    """A question as its course's teacher (or an admin) sees it: with the answer."""

    id: str
    text: str
    kind: str
    options: list[str] | None
    answer: bool | str | list[str]
    points: int


class QuestionPublic(msgspec.Struct):
    """A question as a student sees it: no answer field."""

    id: str
    text: str
    kind: str
    options: list[str] | None
    points: int


class QuizBase(msgspec.Struct):
    """What every view of a quiz shows."""

    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    passing_score: float
    max_attempts: int | None
    is_premium: bool
    max_score: int
    created_at: dt.datetime


class QuizOut(QuizBase):
    questions: list[QuestionOut]


class QuizPublicOut(QuizBase):
    questions: list[QuestionPublic]


class QuizSummary(QuizBase):
    question_count: int


class QuizPage(msgspec.Struct):
    items: list[QuizSummary]
    total: int
    limit: int
    offset: int


class AttemptIn(msgspec.Struct, forbid_unknown_fields=True):
    #: question id → the answer's value (see ``Answer``); unanswered questions score nothing.
    answers: Annotated[dict[QuestionId, Answer], msgspec.Meta(max_length=200)]


class QuestionResult(msgspec.Struct):
    id: str
    correct: bool


class AttemptOut(msgspec.Struct):
    id: uuid.UUID
    quiz_id: uuid.UUID
    user_id: uuid.UUID
    attempt_number: int
    score: int
    max_score: int
    fraction: float
    passed: bool
    questions: list[QuestionResult]
    created_at: dt.datetime


class BestScore(msgspec.Struct):
    score: int
    max_score: int
    fraction: float
    passed: bool


class AttemptPage(msgspec.Struct):
    items: list[AttemptOut]
    total: int
    limit: int
    offset: int
    #: The best of the listed caller's (or ``user_id``'s) attempts, over every page; null if none.
    best: BestScore | None
