"""Enrolment, progress, streaks, plans and usage (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from tests.api.conftest import InlineApi
from tests.api.learning_support import chapter, complete, course, enroll, expect
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin as make_admin
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


@pytest.fixture
def student(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture(scope="module")
def admin(api: Api, base_env: dict[str, str]) -> Account:
    return make_admin(api, base_env)


def test_self_enrolment_then_again_is_409(api: Api, teacher: Account, student: Account) -> None:
    c = course(api, teacher)
    body = expect(enroll(api, student, c["id"]), 201)
    assert (body["student"]["id"], body["added_by"], body["total_chapters"]) == (student.id, student.id, 0)
    expect(enroll(api, student, c["id"]), 409, "already_enrolled")
    assert expect(api.http.get(f"/api/v1/courses/{c['id']}", headers=student.headers), 200)["enrolled"] is True


def test_the_teacher_adds_students_by_id_or_username_and_lists_them(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    c = course(api, teacher)
    other = verified(api, base_env)
    expect(enroll(api, teacher, c["id"], user_id=student.id), 201)
    added = expect(enroll(api, teacher, c["id"], username=other.username), 201)
    assert added["added_by"] == teacher.id
    expect(enroll(api, teacher, c["id"], username="nobody-" + uuid.uuid4().hex[:6]), 404, "user_not_found")
    page = expect(api.http.get(f"/api/v1/courses/{c['id']}/enrollments", headers=teacher.headers), 200)
    assert [e["student"]["id"] for e in page["items"]] == [student.id, other.id] and page["total"] == 2
    expect(api.http.delete(f"/api/v1/courses/{c['id']}/enrollments/{other.id}", headers=teacher.headers), 204)
    expect(api.http.delete(f"/api/v1/courses/{c['id']}/enrollments/{student.id}", headers=student.headers), 204)
    expect(api.http.delete(f"/api/v1/courses/{c['id']}/enrollments/{student.id}", headers=student.headers), 404)
    assert expect(api.http.get(f"/api/v1/courses/{c['id']}/enrollments", headers=teacher.headers), 200)["total"] == 0


def test_prerequisites_are_met_when_every_chapter_is_completed(api: Api, teacher: Account, student: Account) -> None:
    basics = course(api, teacher)
    one, two = (chapter(api, teacher, basics["id"], t)["id"] for t in ("one", "two"))
    advanced = course(api, teacher, prerequisites=[basics["id"]])
    expect(enroll(api, student, advanced["id"]), 403, "prerequisites_not_met")
    expect(enroll(api, student, basics["id"]), 201)
    expect(complete(api, student, one), 200)
    expect(enroll(api, student, advanced["id"]), 403, "prerequisites_not_met")
    expect(complete(api, student, two), 200)
    expect(enroll(api, student, advanced["id"]), 201)


def test_premium_courses_need_an_active_premium_plan(
    api: Api, teacher: Account, student: Account, admin: Account
) -> None:
    c = course(api, teacher, is_premium=True)
    expect(enroll(api, student, c["id"]), 403, "premium_required")
    path = f"/api/v1/admin/users/{student.id}/subscription"
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    expect(
        api.http.put(path, headers=admin.headers, json={"plan": "premium", "period_end": past}),
        422,
        "invalid_period_end",
    )
    expect(api.http.put(path, headers=student.headers, json={"plan": "premium"}), 403, "admin_required")
    end = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
    sub = expect(api.http.put(path, headers=admin.headers, json={"plan": "premium", "period_end": end}), 200)
    assert (sub["plan"], sub["status"], sub["premium"]) == ("premium", "active", True)
    expect(enroll(api, student, c["id"]), 201)
    assert expect(api.http.put(path, headers=admin.headers, json={"plan": "free"}), 200)["premium"] is False
    expect(
        api.http.put(f"/api/v1/admin/users/{uuid.uuid4()}/subscription", headers=admin.headers, json={"plan": "free"}),
        404,
    )
    expect(api.http.put(path, headers=admin.headers, json={"plan": "gold"}), 422, "validation_error")


def test_completing_chapters_reports_progress_and_is_idempotent(api: Api, teacher: Account, student: Account) -> None:
    c = course(api, teacher)
    ids = [chapter(api, teacher, c["id"], t)["id"] for t in "ABCD"]
    expect(complete(api, student, ids[0]), 403, "not_enrolled")
    expect(enroll(api, student, c["id"]), 201)
    first = expect(complete(api, student, ids[0]), 200)
    again = expect(complete(api, student, ids[0]), 200)
    assert first["completed_chapters"] == again["completed_chapters"] == 1
    assert (again["total_chapters"], again["percent"], again["quiz_scores"]) == (4, 25.0, [])
    assert again["streak_days"] == 1 and again["last_accessed"] is not None
    expect(complete(api, student, ids[1]), 200)
    progress = expect(api.http.get(f"/api/v1/courses/{c['id']}/progress", headers=student.headers), 200)
    assert (progress["completed_chapters"], progress["percent"]) == (2, 50.0)
    mine = expect(api.http.get("/api/v1/users/me/progress", headers=student.headers), 200)
    assert [p["course_id"] for p in mine["items"]] == [c["id"]] and mine["streak_days"] == 1
    listing = expect(api.http.get(f"/api/v1/courses/{c['id']}/chapters", headers=student.headers), 200)["items"]
    assert [ch["completed"] for ch in listing] == [True, True, False, False]


def test_my_courses_for_a_student_and_for_a_teacher(api: Api, teacher: Account, student: Account) -> None:
    c = course(api, teacher)
    chapter(api, teacher, c["id"], "A")
    expect(enroll(api, student, c["id"]), 201)
    studying = expect(api.http.get("/api/v1/users/me/courses", headers=student.headers), 200)["items"]
    assert [(x["id"], x["role"], x["total_chapters"], x["percent"]) for x in studying] == [(c["id"], "student", 1, 0.0)]
    teaching = expect(api.http.get("/api/v1/users/me/courses", headers=teacher.headers), 200)["items"]
    assert [(x["id"], x["role"], x["student_count"]) for x in teaching] == [(c["id"], "teacher", 1)]


def test_streak_reset_once_a_day(api: Api, teacher: Account, student: Account) -> None:
    c = course(api, teacher)
    ch = chapter(api, teacher, c["id"], "A")["id"]
    expect(enroll(api, student, c["id"]), 201)
    assert expect(complete(api, student, ch), 200)["streak_days"] == 1
    reset = expect(api.http.post("/api/v1/users/me/streak/reset", headers=student.headers), 200)
    assert reset["streak_days"] == 0
    expect(api.http.post("/api/v1/users/me/streak/reset", headers=student.headers), 409, "streak_already_reset")
    assert expect(api.http.get("/api/v1/users/me/progress", headers=student.headers), 200)["streak_days"] == 0


def test_time_zone_is_validated_and_shown(api: Api, student: Account) -> None:
    r = api.http.patch("/api/v1/users/me", headers=student.headers, json={"time_zone": "Mars/Olympus"})
    expect(r, 422, "invalid_time_zone")
    expect(api.http.patch("/api/v1/users/me", headers=student.headers, json={"time_zone": "localtime"}), 422)
    r = api.http.patch("/api/v1/users/me", headers=student.headers, json={"time_zone": "Asia/Tokyo"})
    assert expect(r, 200)["time_zone"] == "Asia/Tokyo"
    assert expect(api.http.get("/api/v1/users/me", headers=student.headers), 200)["time_zone"] == "Asia/Tokyo"


def test_usage_counts_this_months_uploads_bytes_and_processing(
    api: InlineApi, student: Account, admin: Account, clip_small: Path
) -> None:
    empty = expect(api.http.get("/api/v1/users/me/usage", headers=student.headers), 200)
    assert (empty["uploads"], empty["stored_bytes"], empty["processing_seconds"], empty["quiz_attempts"]) == (
        0,
        0,
        0,
        0,
    )
    api.process(student, clip_small)
    used = expect(api.http.get("/api/v1/users/me/usage", headers=student.headers), 200)
    assert used["uploads"] == 1 and used["stored_bytes"] > clip_small.stat().st_size and used["processing_seconds"] > 0
    assert expect(api.http.get(f"/api/v1/admin/users/{student.id}/usage", headers=admin.headers), 200) == used
    expect(api.http.get(f"/api/v1/admin/users/{student.id}/usage", headers=student.headers), 403, "admin_required")
    # A practice upload is learning activity: the streak counts the day.
    assert expect(api.http.get("/api/v1/users/me/progress", headers=student.headers), 200)["streak_days"] == 1


def test_opening_a_chapter_counts_as_the_students_last_access(api: Api, teacher: Account, student: Account) -> None:
    c = course(api, teacher)
    first = chapter(api, teacher, c["id"], "A")
    expect(enroll(api, student, c["id"]), 201)

    def mine() -> list[dict]:
        return expect(api.http.get("/api/v1/users/me/courses", headers=student.headers), 200)["items"]

    assert [x["last_accessed"] for x in mine()] == [None]
    # the teacher opening it is no student's access; the student's own opening is (same statement as the read)
    expect(api.http.get(f"/api/v1/chapters/{first['id']}", headers=teacher.headers), 200)
    assert [x["last_accessed"] for x in mine()] == [None]
    expect(api.http.get(f"/api/v1/chapters/{first['id']}", headers=student.headers), 200)
    assert mine()[0]["last_accessed"] is not None
