"""The learning limits are Redis-counted and configurable: chapter completions and streak resets.

A second in-process app with tight limits (2 completions, 1 reset per day) on the tier's
database and Redis; its accounts are new, so no other test's counters interfere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from core.limits import RateLimit, RateLimitSettings, limits_from_env
from core.settings import Settings
from tests.api.conftest import BASE_URL
from tests.api.learning_support import chapter, complete, course, enroll, expect
from tests.e2e.api import Api
from tests.e2e.authz_support import set_user_columns, verified

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def tight(settings: Settings) -> Iterator[Api]:
    limits = dataclasses.replace(
        settings.rate_limits, chapter_completions=RateLimit(2, 86400), streak_reset=RateLimit(1, 86400)
    )
    with TestClient(create_app(dataclasses.replace(settings, rate_limits=limits)), base_url=BASE_URL) as client:
        yield Api(client)


def test_chapter_completions_per_account_are_limited(tight: Api, base_env: dict[str, str]) -> None:
    teacher, student = verified(tight, base_env, "teacher"), verified(tight, base_env)
    c = course(tight, teacher)
    ids = [chapter(tight, teacher, c["id"], t)["id"] for t in "ABC"]
    expect(enroll(tight, student, c["id"]), 201)
    expect(complete(tight, student, ids[0]), 200)
    expect(complete(tight, student, ids[1]), 200)
    r = complete(tight, student, ids[2])
    expect(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0
    # Refused before anything was written: the third chapter is not complete.
    progress = expect(tight.http.get(f"/api/v1/courses/{c['id']}/progress", headers=student.headers), 200)
    assert progress["completed_chapters"] == 2


def test_streak_resets_are_limited_beyond_the_calendar_day(tight: Api, base_env: dict[str, str]) -> None:
    student = verified(tight, base_env)
    expect(tight.http.post("/api/v1/users/me/streak/reset", headers=student.headers), 200)
    # As if the last reset were yesterday: the day check passes, the 24-hour counter still refuses.
    set_user_columns(base_env["DATABASE_URL"], student.id, streak_reset_at=None)
    expect(tight.http.post("/api/v1/users/me/streak/reset", headers=student.headers), 429, "rate_limited")


def test_the_limits_are_read_from_the_environment() -> None:
    limits, _, _ = limits_from_env({"RATE_LIMIT_CHAPTER_COMPLETIONS": "5/60", "RATE_LIMIT_STREAK_RESET": "off"})
    assert (limits.chapter_completions, limits.streak_reset) == (RateLimit(5, 60), None)
    defaults = RateLimitSettings()
    assert (defaults.chapter_completions, defaults.streak_reset) == (RateLimit(100, 86400), RateLimit(1, 86400))
