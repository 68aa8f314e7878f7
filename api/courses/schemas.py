"""Course and enrolment bodies (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from api.fields import line, text
from api.relationships.schemas import PersonOut, person_out
from storage.repositories.course_reads import EnrollmentRow
from storage.repositories.progress import percent

#: One line with something besides spaces in it.
Title = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$")]
Description = Annotated[str, text(max_length=20000)]
Instrument = Annotated[str, line(min_length=1, max_length=40)]
Level = Literal["beginner", "intermediate", "advanced", "professional"]
Schedule = Annotated[str, line(max_length=200)]
Prerequisites = Annotated[list[uuid.UUID], msgspec.Meta(max_length=20)]
SearchText = Annotated[str, line(max_length=100)]


class CourseCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    description: Description | None = None
    instrument: Instrument | None = None
    level: Level | None = None
    schedule: Schedule | None = None
    prerequisites: Prerequisites = msgspec.field(default_factory=list)
    is_published: bool = False
    is_premium: bool = False


class CourseUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """``PATCH``: an absent field is left alone, ``null`` clears an optional one."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | None | msgspec.UnsetType = msgspec.UNSET
    instrument: Instrument | None | msgspec.UnsetType = msgspec.UNSET
    level: Level | None | msgspec.UnsetType = msgspec.UNSET
    schedule: Schedule | None | msgspec.UnsetType = msgspec.UNSET
    prerequisites: Prerequisites | msgspec.UnsetType = msgspec.UNSET
    is_published: bool | msgspec.UnsetType = msgspec.UNSET
    is_premium: bool | msgspec.UnsetType = msgspec.UNSET


class CourseOut(msgspec.Struct):
    id: uuid.UUID
    teacher: PersonOut
    title: str
    description: str | None
    instrument: str | None
    level: str | None
    schedule: str | None
    prerequisites: list[uuid.UUID]
    is_published: bool
    is_premium: bool
    chapter_count: int
    #: Whether the caller is enrolled (false for anonymous callers).
    enrolled: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CoursePage(msgspec.Struct):
    items: list[CourseOut]
    total: int
    limit: int
    offset: int


class EnrollmentRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Enrol yourself (empty body), or, as the course's teacher, a student by ``user_id`` or ``username``."""

    user_id: uuid.UUID | None = None
    username: Annotated[str, line(min_length=1, max_length=40)] | None = None


class EnrollmentOut(msgspec.Struct):
    course_id: uuid.UUID
    student: PersonOut
    enrolled_at: dt.datetime
    last_accessed_at: dt.datetime | None
    added_by: uuid.UUID | None
    completed_chapters: int
    total_chapters: int
    percent: float


class EnrollmentPage(msgspec.Struct):
    items: list[EnrollmentOut]
    total: int
    limit: int
    offset: int


def enrollment_out(row: Any) -> EnrollmentOut:
    """From ``course_reads.enrollment_page``: ``(Enrollment, User, completed, chapters, total)``."""
    enrollment, user = row[0], row[1]
    return EnrollmentOut(
        course_id=enrollment.course_id,
        student=person_out(user),
        enrolled_at=enrollment.enrolled_at,
        last_accessed_at=enrollment.last_accessed_at,
        added_by=enrollment.added_by,
        completed_chapters=int(row.completed),
        total_chapters=int(row.chapters),
        percent=percent(int(row.completed), int(row.chapters)),
    )


def enrollment_row_out(row: EnrollmentRow) -> EnrollmentOut:
    """From ``course_reads.enrollment_list``."""
    student = row.student
    return EnrollmentOut(
        course_id=row.course_id,
        student=PersonOut(id=student.id, username=student.username, display_name=student.display_name),
        enrolled_at=row.enrolled_at,
        last_accessed_at=row.last_accessed_at,
        added_by=row.added_by,
        completed_chapters=row.completed,
        total_chapters=row.chapters,
        percent=percent(row.completed, row.chapters),
    )
