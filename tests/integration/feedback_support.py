"""Rows for the feedback reads: threads of comments with replies, and assessments, written directly."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from storage.models.feedback import Assessment, Comment


def thread_rows(
    recording_id: uuid.UUID, author_id: uuid.UUID, threads: int, replies: int, duration: float = 5.0
) -> list[dict[str, object]]:
    """``threads`` comments spread over ``duration`` seconds, each with ``replies`` replies."""
    start, rows = utcnow(), []
    for i in range(threads):
        root = new_id()
        at = duration * i / max(threads, 1)
        common = {"recording_id": recording_id, "author_id": author_id, "at_seconds": at}
        rows.append({**common, "id": root, "body": f"thread {i}", "category": "rhythm", "parent_id": None,
                     "created_at": start, "updated_at": start})  # fmt: skip
        for j in range(replies):
            when = start + dt.timedelta(seconds=j + 1)
            rows.append({**common, "id": new_id(), "body": f"reply {j}", "category": None, "parent_id": root,
                         "created_at": when, "updated_at": when})  # fmt: skip
    return rows


async def threads(
    sessions: async_sessionmaker[AsyncSession], recording_id: uuid.UUID, author_id: uuid.UUID, n: int, replies: int
) -> None:
    async with sessions.begin() as session:
        await session.execute(insert(Comment), thread_rows(recording_id, author_id, n, replies))


async def assessments(
    sessions: async_sessionmaker[AsyncSession], recording_id: uuid.UUID, teacher_id: uuid.UUID,
    student_id: uuid.UUID, n: int,
) -> None:  # fmt: skip
    start = utcnow()
    async with sessions.begin() as session:
        for i in range(n):
            session.add(Assessment(recording_id=recording_id, teacher_id=teacher_id, student_id=student_id,
                                   rating=1 + i % 5, technique=10 + i, created_at=start + dt.timedelta(days=i)))  # fmt: skip
