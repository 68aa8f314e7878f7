"""The month's usage is counted in the user's time zone, with an injected clock near a month boundary."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id
from core.settings import DatabaseSettings
from storage.db import ReadDatabase, create_engine, create_session_factory
from storage.models.recordings import Recording
from storage.models.users import User
from storage.repositories.usage import month_start, monthly_usage

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def usage_sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(DatabaseSettings(url=database_url), pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def reads(database_url: str) -> AsyncIterator[ReadDatabase]:
    db = await ReadDatabase.open(DatabaseSettings(url=database_url), pool_size=2)
    yield db
    await db.close()


def utc(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


async def _uploader(sessions: async_sessionmaker[AsyncSession], time_zone: str, *uploaded: dt.datetime) -> User:
    user = User(id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x",
                time_zone=time_zone)  # fmt: skip
    async with sessions.begin() as session:
        session.add(user)
        await session.flush()
        for moment in uploaded:
            session.add(Recording(id=new_id(), owner_id=user.id, title="t", original_key="k", size_bytes=1,
                                  created_at=moment))  # fmt: skip
    return user


async def _uploads(reads: ReadDatabase, user: User, now: dt.datetime) -> int:
    """The uploads ``GET /users/me/usage`` counts at ``now`` (its one statement, with the clock injected)."""
    _, used = await monthly_usage(reads, user.id, user.id, now)
    assert used is not None and used.time_zone == user.time_zone
    return used.uploads


async def test_the_month_begins_at_the_users_midnight_not_utcs(
    usage_sessions: async_sessionmaker[AsyncSession], reads: ReadDatabase
) -> None:
    # Given uploads at 23:00 on 30 November and 01:00 on 1 December, Tokyo time (both 30 November in UTC)
    tokyo = await _uploader(usage_sessions, "Asia/Tokyo", utc(30, 14), utc(30, 16))
    now = utc(30, 20)  # 05:00 on 1 December in Tokyo, still November in UTC
    # Then December (Tokyo's month) holds one upload, and starts at Tokyo's midnight
    assert await _uploads(reads, tokyo, now) == 1
    assert month_start(now, tokyo.time_zone).isoformat() == "2026-12-01T00:00:00+09:00"
    # While a UTC user who uploaded at the same instants is still in November with both
    london = await _uploader(usage_sessions, "UTC", utc(30, 14), utc(30, 16))
    assert await _uploads(reads, london, now) == 2
    assert month_start(now, london.time_zone) == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


async def test_behind_utc_the_old_month_lasts_longer(
    usage_sessions: async_sessionmaker[AsyncSession], reads: ReadDatabase
) -> None:
    # 20:00 on 30 November in New York is 01:00 on 1 December in UTC: New York is still in November
    new_york = await _uploader(usage_sessions, "America/New_York", utc(15, 12), utc(30, 23))
    assert await _uploads(reads, new_york, dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC)) == 2
