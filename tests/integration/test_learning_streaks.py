"""Streaks on real PostgreSQL with an injected clock: learning days across midnight and time zones."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.learning.progress import streak_of
from core.ids import new_id
from core.settings import DatabaseSettings
from storage.db import create_engine, create_session_factory
from storage.models.users import User
from storage.repositories.progress import record_learning_activity

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def learning_sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(DatabaseSettings(url=database_url), pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


async def _user(sessions: async_sessionmaker[AsyncSession], time_zone: str) -> User:
    user = User(id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x",
                time_zone=time_zone)  # fmt: skip
    async with sessions.begin() as session:
        session.add(user)
    return user


async def _learn(sessions: async_sessionmaker[AsyncSession], user: User, *moments: dt.datetime) -> None:
    for moment in moments:
        async with sessions.begin() as session:
            await record_learning_activity(session, user, moment)


async def _streak(sessions: async_sessionmaker[AsyncSession], user: User, now: dt.datetime) -> int:
    async with sessions() as session:
        return await streak_of(session, user, now)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


async def test_activity_on_both_sides_of_midnight_is_two_days(
    learning_sessions: async_sessionmaker[AsyncSession],
) -> None:
    user = await _user(learning_sessions, "UTC")
    await _learn(learning_sessions, user, utc(10, 23, 55), utc(11, 0, 5))
    assert await _streak(learning_sessions, user, utc(11, 0, 10)) == 2
    assert await _streak(learning_sessions, user, utc(12, 23, 59)) == 2  # today not over yet: still counts
    assert await _streak(learning_sessions, user, utc(13, 0, 1)) == 0  # a whole day missed


async def test_the_same_moments_are_one_day_in_another_time_zone(
    learning_sessions: async_sessionmaker[AsyncSession],
) -> None:
    # 14:30 and 23:30 UTC on the 10th are both the 11th in Tokyo (UTC+9) from 15:00 UTC on.
    tokyo = await _user(learning_sessions, "Asia/Tokyo")
    await _learn(learning_sessions, tokyo, utc(10, 15, 30), utc(10, 23, 30))
    assert await _streak(learning_sessions, tokyo, utc(11, 1)) == 1
    # New York (UTC-4 in March after the 8th): 03:00 UTC on the 11th is still the 10th there.
    new_york = await _user(learning_sessions, "America/New_York")
    await _learn(learning_sessions, new_york, utc(10, 12), utc(11, 3))
    assert await _streak(learning_sessions, new_york, utc(11, 3, 30)) == 1
    await _learn(learning_sessions, new_york, utc(11, 5))  # 01:00 on the 11th in New York
    assert await _streak(learning_sessions, new_york, utc(11, 5, 30)) == 2


async def test_a_week_of_practice_then_a_reset(learning_sessions: async_sessionmaker[AsyncSession]) -> None:
    user = await _user(learning_sessions, "Europe/Paris")
    await _learn(learning_sessions, user, *(utc(d, 18) for d in range(1, 8)))
    assert await _streak(learning_sessions, user, utc(7, 20)) == 7
    user.streak_reset_at = utc(7, 20)
    assert await _streak(learning_sessions, user, utc(7, 21)) == 0
    await _learn(learning_sessions, user, utc(7, 21))  # after the reset, the same day
    assert await _streak(learning_sessions, user, utc(7, 22)) == 1
    await _learn(learning_sessions, user, utc(8, 9))
    assert await _streak(learning_sessions, user, utc(8, 10)) == 2
