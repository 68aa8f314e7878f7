"""Assessment and progress bodies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.comments.schemas import AuthorOut
from api.fields import text

Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]
Score = Annotated[int, msgspec.Meta(ge=1, le=100)]


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    rating: Rating
    technique: Score | None = None
    musicality: Score | None = None
    rhythm: Score | None = None
    overall: Score | None = None
    notes: Annotated[str, text(max_length=5000)] | None = None


class AssessmentOut(msgspec.Struct):
    id: uuid.UUID
    recording_id: uuid.UUID
    student_id: uuid.UUID
    teacher: AuthorOut
    rating: int
    technique: int | None
    musicality: int | None
    rhythm: int | None
    overall: int | None
    notes: str | None
    created_at: dt.datetime


class AssessmentPage(msgspec.Struct):
    items: list[AssessmentOut]
    total: int
    limit: int
    offset: int


class ProgressPointOut(msgspec.Struct):
    """One value of a criterion at the time of an assessment: a point of the chart."""

    at: dt.datetime
    value: int
    recording_id: uuid.UUID
    assessment_id: uuid.UUID


class CriterionProgress(msgspec.Struct):
    name: str  # rating (1–5), technique, musicality, rhythm, overall (1–100)
    average: float | None
    count: int
    series: list[ProgressPointOut]


class ProgressOut(msgspec.Struct):
    user_id: uuid.UUID
    assessments: int
    criteria: list[CriterionProgress]
