"""Benchmark: a page of comment threads with their replies, one statement against one query per thread.

A recording gets ``BENCH_COMMENTS`` comments (default 5,000: threads of one comment and four
replies). ``CONCURRENCY`` tasks read random pages of 50 threads for ``SECONDS`` seconds on one
asyncpg pool, first with Cadenza's read (``storage.repositories.comment_reads.comment_page``: the
caller's account, the recording's access facts, the count and the page with every reply, in ONE
statement, decoded into the API's ``CommentOut``), then with the same list read the usual way:
the caller, the recording, the count and the page of threads, then one query per thread for its
replies (54 statements a page), built into the same structs: on the read pool's asyncpg, and
through the write path's SQLAlchemy session as a service would. Printed: pages per second and
statements per page of each, and the ratio (goal: at least 10x). Nothing is asserted.

Environment: ``DATABASE_URL``, ``REDIS_URL`` (``make bench`` sets them), ``BENCH_COMMENTS``,
``BENCH_COMMENTS_SECONDS`` (default 5), ``BENCH_COMMENTS_CONCURRENCY`` (default 8).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Awaitable, Callable

import msgspec
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.comments.schemas import AuthorOut, CommentOut
from api.comments.services import comment_out
from bench.common import BENCH_DIR, fresh_database, require_env, table
from core.settings import Settings
from storage.db import ReadDatabase, create_engine, create_session_factory
from storage.models.feedback import Comment
from storage.models.recordings import Recording
from storage.models.users import User
from storage.repositories.comment_reads import comment_page
from tests.integration import feedback_support, reads_support

COMMENTS = int(os.environ.get("BENCH_COMMENTS", "5000"))
SECONDS = float(os.environ.get("BENCH_COMMENTS_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_COMMENTS_CONCURRENCY", "8"))
REPLIES = 4  # per thread
PAGE = 50
GOAL = 10.0
SECRET_KEY = "bench-comments-secret-key-0123456789abcdef"  # noqa: S105 - a throw-away database's

_COLUMNS = "c.id, c.recording_id, c.author_id, c.body, c.at_seconds, c.end_seconds, c.category, c.parent_id, " \
    "c.resolved, c.deleted, c.created_at, c.updated_at, u.username, u.display_name"  # fmt: skip
_THREADS = f"SELECT {_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.recording_id = $1 " \
    "AND c.parent_id IS NULL ORDER BY c.at_seconds, c.created_at, c.id LIMIT $2 OFFSET $3"  # fmt: skip
_REPLIES = f"SELECT {_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.parent_id = $1 " \
    "ORDER BY c.created_at, c.id"  # fmt: skip
_COUNT = "SELECT count(*) FROM comments WHERE recording_id = $1 AND parent_id IS NULL"
_CALLER = "SELECT id, role, is_active, email_verified, password_changed_at, session_version FROM users WHERE id = $1"
_RECORDING = "SELECT owner_id, is_public FROM recordings WHERE id = $1 AND status <> 'deleted'"


def _out(row: object, replies: list[CommentOut]) -> CommentOut:
    r = row  # an asyncpg Record
    return CommentOut(
        id=r["id"], recording_id=r["recording_id"], author=AuthorOut(r["author_id"], r["username"], r["display_name"]),
        body=r["body"], at_seconds=r["at_seconds"], end_seconds=r["end_seconds"], category=r["category"],
        parent_id=r["parent_id"], resolved=r["resolved"], deleted=r["deleted"], reply_count=len(replies),
        replies=replies, created_at=r["created_at"], updated_at=r["updated_at"],
    )  # fmt: skip


async def per_thread(db: ReadDatabase, caller: uuid.UUID, recording_id: uuid.UUID, offset: int) -> int:
    """The list the usual way: caller, recording, count, page, then each thread's replies."""
    async with db.pool.acquire() as conn:
        await conn.fetchrow(_CALLER, caller)
        await conn.fetchrow(_RECORDING, recording_id)
        await conn.fetchval(_COUNT, recording_id)
        threads = await conn.fetch(_THREADS, recording_id, PAGE, offset)
        page = []
        for t in threads:
            replies = [_out(r, []) for r in await conn.fetch(_REPLIES, t["id"])]
            page.append(_out(t, replies))
    return len(page)


async def per_thread_orm(sessions: async_sessionmaker[AsyncSession], caller: uuid.UUID, recording_id: uuid.UUID,
                         offset: int) -> int:  # fmt: skip
    """The same, through the write path's SQLAlchemy sessions (as a service would load it)."""
    async with sessions() as session:
        await session.get(User, caller)
        await session.get(Recording, recording_id)
        where = (Comment.recording_id == recording_id, Comment.parent_id.is_(None))
        await session.scalar(select(func.count()).select_from(Comment).where(*where))
        stmt = (select(Comment, User).join(User, User.id == Comment.author_id).where(*where)
                .order_by(Comment.at_seconds, Comment.created_at, Comment.id).limit(PAGE).offset(offset))  # fmt: skip
        page = []
        for thread, author in (await session.execute(stmt)).all():
            replies_stmt = (
                select(Comment, User)
                .join(User, User.id == Comment.author_id)
                .where(Comment.parent_id == thread.id)
                .order_by(Comment.created_at, Comment.id)
            )
            replies = [comment_out(r, u) for r, u in (await session.execute(replies_stmt)).all()]
            page.append(comment_out(thread, author, replies))
    return len(page)


async def one_statement(db: ReadDatabase, caller: uuid.UUID, recording_id: uuid.UUID, offset: int) -> int:
    _, _, _, items = await comment_page(
        db, caller, recording_id, category=None, resolved=None, limit=PAGE, offset=offset
    )
    return len(msgspec.json.decode(items, type=list[CommentOut]))


Read = Callable[[object, uuid.UUID, uuid.UUID, int], Awaitable[int]]


async def _throughput(db: object, read: Read, caller: uuid.UUID, recording_id: uuid.UUID) -> float:
    threads = COMMENTS // (REPLIES + 1)
    offsets = list(range(0, max(threads - PAGE, 1), PAGE))
    for offset in offsets[:3]:  # warm-up: connections, prepared statements
        await read(db, caller, recording_id, offset)
    pages, deadline, rng = 0, time.monotonic() + SECONDS, random.Random(7)  # noqa: S311 - not for secrets

    async def worker() -> None:
        nonlocal pages
        while time.monotonic() < deadline:
            assert await read(db, caller, recording_id, rng.choice(offsets)) > 0
            pages += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return pages / (time.monotonic() - started)


async def _run(settings: Settings) -> dict[str, object]:
    engine = create_engine(settings.database, pool_size=CONCURRENCY)
    sessions = create_session_factory(engine)
    try:
        owner = await reads_support.account(sessions, settings)
        recording_id, _ = await reads_support.recording(sessions, owner.id)
        rows = feedback_support.thread_rows(recording_id, owner.id, COMMENTS // (REPLIES + 1), REPLIES, duration=600)
        async with sessions.begin() as session:
            await session.execute(insert(Comment), rows)
        db = await ReadDatabase.open(settings.database, pool_size=CONCURRENCY)
        try:
            ours = await _throughput(db, one_statement, owner.id, recording_id)
            theirs = await _throughput(db, per_thread, owner.id, recording_id)
            orm = await _throughput(sessions, per_thread_orm, owner.id, recording_id)
        finally:
            await db.close()
    finally:
        await engine.dispose()
    ratio = ours / theirs if theirs else float("inf")
    print(f"\n{len(rows)} comments ({len(rows) // (REPLIES + 1)} threads of 1 + {REPLIES}); pages of {PAGE} threads; "
          f"{CONCURRENCY} concurrent readers, {SECONDS:g} s each")  # fmt: skip
    print(table(["read", "statements/page", "pages/s", "threads/s"], [
        ["one statement (comment_page)", 1, f"{ours:.0f}", f"{ours * PAGE:.0f}"],
        ["one query per thread (asyncpg)", PAGE + 4, f"{theirs:.0f}", f"{theirs * PAGE:.0f}"],
        ["one query per thread (ORM session)", PAGE + 4, f"{orm:.0f}", f"{orm * PAGE:.0f}"],
    ]))  # fmt: skip
    print(f"ratio {ratio:.1f}x against asyncpg, {ours / orm if orm else float('inf'):.1f}x against the ORM "
          f"(goal >= {GOAL:g}x)")  # fmt: skip
    return {
        "bench": "comments",
        "comments": len(rows),
        "one_statement_pages_per_s": ours,
        "per_thread_pages_per_s": theirs,
        "per_thread_orm_pages_per_s": orm,
        "ratio": ratio,
        "goal": GOAL,
    }


def main() -> dict[str, object]:
    env = require_env("DATABASE_URL", "REDIS_URL")
    with fresh_database(env["DATABASE_URL"], prefix="cadenza_bench_comments") as database_url:
        process_env = {
            "CADENZA_ENV": "development",
            "CADENZA_VAR_DIR": str(BENCH_DIR),
            "DATABASE_URL": database_url,
            "REDIS_URL": env["REDIS_URL"],
            "STORAGE_URL": f"file://{BENCH_DIR / 'objects'}",
            "SECRET_KEY": SECRET_KEY,
        }
        return asyncio.run(_run(Settings.from_env(process_env)))
