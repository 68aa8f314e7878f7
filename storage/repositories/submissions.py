"""Assignment submissions: rows, and the facts of a block's course or a submission's teacher."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.learning import Chapter, ContentBlock, Course
from storage.models.submissions import Submission
from storage.repositories.quizzes import CourseRow, course_columns


@dataclass(frozen=True, slots=True)
class BlockRow:
    kind: str
    course: CourseRow


def _block_course():
    return (
        select(ContentBlock.kind)
        .join(Chapter, Chapter.id == ContentBlock.chapter_id)
        .join(Course, Course.id == Chapter.course_id)
    )


async def block_row(session: AsyncSession, block_id: uuid.UUID, user_id: uuid.UUID) -> BlockRow | None:
    """The block's kind and its course's facts for ``user_id``, in one statement."""
    stmt = _block_course().add_columns(*course_columns(user_id)).where(ContentBlock.id == block_id)
    row = (await session.execute(stmt)).first()
    return BlockRow(row[0], CourseRow(*row[1:])) if row else None


class SubmissionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, submission: Submission) -> None:
        self.session.add(submission)
        await self.session.flush()

    async def due_at(self, block_id: uuid.UUID) -> dt.datetime | None:
        """When the assignment block's work is due (``None``: no due time, or no such block)."""
        return await self.session.scalar(select(ContentBlock.due_at).where(ContentBlock.id == block_id))

    async def with_teacher(
        self, submission_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[Submission, uuid.UUID] | None:
        """The submission and its course's teacher."""
        stmt = (
            select(Submission, Course.teacher_id)
            .join(ContentBlock, ContentBlock.id == Submission.block_id)
            .join(Chapter, Chapter.id == ContentBlock.chapter_id)
            .join(Course, Course.id == Chapter.course_id)
            .where(Submission.id == submission_id)
        )
        if for_update:
            stmt = stmt.with_for_update(of=Submission)
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def by_recording(self, recording_id: uuid.UUID) -> Submission | None:
        stmt = select(Submission).where(Submission.recording_id == recording_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def delete(self, submission: Submission) -> None:
        await self.session.delete(submission)
        await self.session.flush()


def taught_submission(recording_id: Any, teacher_id: Any) -> ColumnElement[bool]:
    """``EXISTS`` a submission of the recording to a course ``teacher_id`` teaches."""
    subs, blocks, chapters, courses = Submission.__table__, ContentBlock.__table__, Chapter.__table__, Course.__table__
    return exists().where(
        subs.c.recording_id == recording_id,
        blocks.c.id == subs.c.block_id,
        chapters.c.id == blocks.c.chapter_id,
        courses.c.id == chapters.c.course_id,
        courses.c.teacher_id == teacher_id,
    )


async def teaches_submission(session: AsyncSession, recording_id: uuid.UUID, teacher_id: uuid.UUID) -> bool:
    return bool((await session.execute(select(taught_submission(recording_id, teacher_id)))).scalar_one())
