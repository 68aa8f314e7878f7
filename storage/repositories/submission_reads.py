"""A block's submissions in one statement: the caller's account, the block's course facts, a page.

The page holds what the caller may list: every submission for the course's teacher and admins,
one's own for anyone else (the policy then decides whether the caller may list at all, from
the facts of the same statement). Each item is the API's body (``SUBMISSION_FIELDS``), with the
student, the recording's status and its latest job aggregated in PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, bindparam, exists, false, func, or_, select
from sqlalchemy.dialects.postgresql import UUID

from storage.db import ReadDatabase
from storage.models.jobs import Job
from storage.models.learning import Chapter, ContentBlock, Course, Enrollment
from storage.models.recordings import Recording
from storage.models.submissions import Submission
from storage.models.users import Role, User
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object, json_page

#: The keys of each item, in the field order of ``api``'s ``SubmissionOut`` (a test keeps them equal).
SUBMISSION_FIELDS = (
    "id", "block_id", "student", "recording_id", "job_id", "status", "note", "grade", "feedback", "created_at",
    "handed_in_at", "late",
)  # fmt: skip
PERSON_FIELDS = ("id", "username", "display_name")


class BlockFacts(msgspec.Struct, frozen=True):
    kind: str
    teacher_id: uuid.UUID
    is_published: bool
    enrolled: bool


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_BLOCK = bindparam("block_id", type_=UUID(as_uuid=True))


def _block_facts() -> ColumnElement[str]:
    blocks, chapters, courses = ContentBlock.__table__, Chapter.__table__, Course.__table__
    enrollments = Enrollment.__table__
    enrolled = exists().where(enrollments.c.course_id == courses.c.id, enrollments.c.user_id == _SUB)
    columns = {
        "kind": blocks.c.kind,
        "teacher_id": courses.c.teacher_id,
        "is_published": courses.c.is_published,
        "enrolled": enrolled,
    }
    return (
        select(as_text(json_object(BlockFacts.__struct_fields__, columns)))
        .select_from(
            blocks.join(chapters, chapters.c.id == blocks.c.chapter_id).join(
                courses, courses.c.id == chapters.c.course_id
            )
        )
        .where(blocks.c.id == _BLOCK)
        .scalar_subquery()
    )


def _sees_everyone() -> ColumnElement[bool]:
    """The caller teaches the block's course, or is an admin."""
    blocks, chapters, courses, users = ContentBlock.__table__, Chapter.__table__, Course.__table__, User.__table__
    teaches = exists().where(
        blocks.c.id == _BLOCK, chapters.c.id == blocks.c.chapter_id, courses.c.id == chapters.c.course_id,
        courses.c.teacher_id == _SUB,
    )  # fmt: skip
    return or_(teaches, exists().where(users.c.id == _SUB, users.c.role == Role.ADMIN.value))


def _build() -> Select[Any]:
    subs, users, recs, jobs = Submission.__table__, User.__table__, Recording.__table__, Job.__table__
    blocks = ContentBlock.__table__
    # Each submission with its recording's status and upload time, read once per row.
    rows = (
        select(subs, recs.c.status, recs.c.created_at.label("handed_in_at"))
        .join_from(subs, recs, recs.c.id == subs.c.recording_id)
        .subquery("submission")
    )
    student = select(json_object(PERSON_FIELDS, {f: users.c[f] for f in PERSON_FIELDS})).where(
        users.c.id == rows.c.student_id
    )
    latest_job = (
        select(jobs.c.id).where(jobs.c.recording_id == rows.c.recording_id).order_by(jobs.c.created_at.desc()).limit(1)
    )
    due = select(blocks.c.due_at).where(blocks.c.id == _BLOCK).scalar_subquery()  # one block: read once
    columns: dict[str, Any] = {name: rows.c[name] for name in SUBMISSION_FIELDS if name in rows.c}
    columns |= {
        "student": student.scalar_subquery(),
        "job_id": latest_job.scalar_subquery(),
        "late": func.coalesce(rows.c.handed_in_at > due, false()),
    }
    where = [rows.c.block_id == _BLOCK, or_(rows.c.student_id == _SUB, _sees_everyone())]
    total, items = json_page(rows, json_object(SUBMISSION_FIELDS, columns), where)
    return select(caller_json(_SUB), _block_facts(), total, items)


_PAGE = CompiledRead(_build)


async def submission_page(
    db: ReadDatabase, caller_id: uuid.UUID, block_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, BlockFacts | None, int, msgspec.Raw]:
    """The caller's account, the block's facts, how many submissions the caller may list and one
    page of them (JSON of ``SUBMISSION_FIELDS``), newest first."""
    caller, block, total, items = await db.fetch_row(
        _PAGE, sub=caller_id, block_id=block_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(block, BlockFacts), total, msgspec.Raw(items.encode())


__all__ = ["SUBMISSION_FIELDS", "BlockFacts", "submission_page"]
