"""Benchmark: a course's progress report, one statement against a per-chapter query loop.

One freshly migrated database holds a course of ``CHAPTERS`` chapters with ``STUDENTS`` enrolled
students; the learner has completed half the chapters. For ``SECONDS`` each, alternating
``ROUNDS`` times, one asyncio task asks for the learner's progress as many times as it can:

- ``one statement``: ``storage.repositories.learning_reads.course_progress`` on the read pool (what
  ``GET /courses/{id}/progress`` runs: the caller's account, the course's facts, chapters and
  completions counted, quiz scores and streak days, all inside PostgreSQL);
- ``per-chapter loop``: list the course's chapters, then ask per chapter whether it is completed
  (the naive ORM shape: 1 + CHAPTERS statements).

Prints reports per second (median of the rounds) and the ratio. Goal (printed, never asserted):
at least 10x the loop at 200 chapters.

Environment: ``DATABASE_URL`` (``make bench`` sets it), ``BENCH_PROGRESS_CHAPTERS`` (default
200), ``BENCH_PROGRESS_STUDENTS`` (default 2000), ``BENCH_PROGRESS_SECONDS`` (default 3),
``BENCH_PROGRESS_ROUNDS`` (default 2).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import fresh_database, require_env, table
from core.settings import DatabaseSettings
from storage.db import ReadDatabase, create_engine, create_session_factory
from storage.models.learning import Chapter, ChapterCompletion
from storage.models.users import User
from storage.repositories.learning_reads import course_progress
from tests.integration.learning_support import seed_course

CHAPTERS = int(os.environ.get("BENCH_PROGRESS_CHAPTERS", "200"))
STUDENTS = int(os.environ.get("BENCH_PROGRESS_STUDENTS", "2000"))
SECONDS = float(os.environ.get("BENCH_PROGRESS_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_PROGRESS_ROUNDS", "2"))
GOAL = 10.0

Report = Callable[[AsyncSession, ReadDatabase, uuid.UUID, uuid.UUID], Awaitable[tuple[int, int]]]


async def one_statement(
    session: AsyncSession, reads: ReadDatabase, user_id: uuid.UUID, course_id: uuid.UUID
) -> tuple[int, int]:
    _, _, row, _ = await course_progress(reads, user_id, course_id)
    assert row is not None
    return row.completed, row.chapters


async def per_chapter_loop(
    session: AsyncSession, reads: ReadDatabase, user_id: uuid.UUID, course_id: uuid.UUID
) -> tuple[int, int]:
    chapter_ids = (await session.execute(select(Chapter.id).where(Chapter.course_id == course_id))).scalars().all()
    done = 0
    for chapter_id in chapter_ids:
        stmt = select(exists().where(ChapterCompletion.chapter_id == chapter_id, ChapterCompletion.user_id == user_id))
        done += bool((await session.execute(stmt)).scalar_one())
    return done, len(chapter_ids)


async def _rate(
    sessions: async_sessionmaker[AsyncSession],
    reads: ReadDatabase,
    report: Report,
    user_id: uuid.UUID,
    course_id: uuid.UUID,
) -> float:
    count, deadline = 0, time.monotonic() + SECONDS
    started = time.monotonic()
    while time.monotonic() < deadline:
        async with sessions() as session:
            assert await report(session, reads, user_id, course_id) == (CHAPTERS // 2, CHAPTERS)
        count += 1
    return count / (time.monotonic() - started)


async def _run(url: str) -> dict[str, object]:
    engine = create_engine(DatabaseSettings(url=url), pool_size=2)
    sessions = create_session_factory(engine)
    reads = await ReadDatabase.open(DatabaseSettings(url=url), pool_size=2)
    try:
        teacher_id, learner_id = uuid.uuid4(), uuid.uuid4()
        await _users(sessions, teacher_id, learner_id)
        course = await seed_course(
            sessions, teacher_id, chapters=CHAPTERS, students=STUDENTS, learner_id=learner_id, completed=CHAPTERS // 2
        )
        rates: dict[str, list[float]] = {"one statement": [], "per-chapter loop": []}
        for _ in range(ROUNDS):
            rates["one statement"].append(await _rate(sessions, reads, one_statement, learner_id, course.id))
            rates["per-chapter loop"].append(await _rate(sessions, reads, per_chapter_loop, learner_id, course.id))
    finally:
        await reads.close()
        await engine.dispose()
    single, loop = (statistics.median(v) for v in rates.values())
    print(f"progress report of a course with {CHAPTERS} chapters and {STUDENTS} students, {ROUNDS} x {SECONDS:g} s")
    print(table(["way", "reports/s"], [[name, f"{statistics.median(v):.0f}"] for name, v in rates.items()]))
    print(f"ratio one statement / per-chapter loop: {single / loop:.1f}x (goal {GOAL:g}x)")
    return {"bench": "progress", "chapters": CHAPTERS, "students": STUDENTS, "one_statement_per_s": round(single, 1),
            "loop_per_s": round(loop, 1), "ratio": round(single / loop, 2)}  # fmt: skip


async def _users(sessions: async_sessionmaker[AsyncSession], *ids: uuid.UUID) -> None:
    async with sessions.begin() as session:
        for user_id in ids:
            session.add(
                User(id=user_id, email=f"{user_id.hex}@example.test", username=user_id.hex[:20], password_hash="x")
            )


def main() -> dict[str, object]:
    env = require_env("DATABASE_URL")
    with fresh_database(env["DATABASE_URL"], prefix="cadenza_bench_progress") as url:
        return asyncio.run(_run(url))
