"""Courses (DESIGN §10): create, read, list with filters, drafts, edit, prerequisites, delete."""

from __future__ import annotations

import uuid

import pytest

from tests.api.learning_support import chapter, course, enroll, expect
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin as make_admin
from tests.e2e.authz_support import unprocessable_recording, verified

pytestmark = pytest.mark.api


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


@pytest.fixture
def student(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def test_a_teacher_creates_a_course_and_anyone_reads_it(api: Api, teacher: Account) -> None:
    created = course(api, teacher, description="Scales", instrument="Cello", level="beginner", schedule="Mondays")
    assert created["teacher"]["id"] == teacher.id
    assert (created["instrument"], created["chapter_count"], created["enrolled"]) == ("Cello", 0, False)
    got = expect(api.http.get(f"/api/v1/courses/{created['id']}"), 200)
    assert got["title"] == created["title"]


def test_the_list_filters_by_instrument_teacher_and_text(api: Api, teacher: Account) -> None:
    word = uuid.uuid4().hex[:8]
    cello = course(api, teacher, instrument="Cello", title=f"Bowing {word}")
    course(api, teacher, instrument="Oboe", description=f"reeds {word}")
    r = api.http.get("/api/v1/courses", params={"q": word, "instrument": "cello"})
    assert [c["id"] for c in expect(r, 200)["items"]] == [cello["id"]]
    r = api.http.get("/api/v1/courses", params={"teacher_id": teacher.id})
    assert expect(r, 200)["total"] == 2


def test_drafts_are_seen_only_by_their_teacher_and_admins(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    draft = course(api, teacher, is_published=False)
    mine = expect(api.http.get("/api/v1/courses", headers=teacher.headers, params={"teacher_id": teacher.id}), 200)
    assert [c["id"] for c in mine["items"]] == [draft["id"]]
    theirs = expect(api.http.get("/api/v1/courses", headers=student.headers, params={"teacher_id": teacher.id}), 200)
    assert theirs["items"] == []
    expect(api.http.get(f"/api/v1/courses/{draft['id']}"), 404, "course_not_found")
    expect(api.http.get(f"/api/v1/courses/{draft['id']}", headers=make_admin(api, base_env).headers), 200)


def test_students_cannot_create_courses(api: Api, student: Account) -> None:
    expect(api.http.post("/api/v1/courses", headers=student.headers, json={"title": "x"}), 403, "not_a_teacher")


def test_edit_changes_fields_and_null_clears(api: Api, teacher: Account) -> None:
    c = course(api, teacher, instrument="Viola")
    r = api.http.patch(f"/api/v1/courses/{c['id']}", headers=teacher.headers, json={"title": "New", "instrument": None})
    body = expect(r, 200)
    assert (body["title"], body["instrument"]) == ("New", None)


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"level": "expert"},
        {"prerequisites": ["nope"]},
        {"is_premium": "yes"},
    ],
)
def test_bad_course_input_is_a_4xx_with_a_code(api: Api, teacher: Account, body: dict) -> None:
    r = api.http.post("/api/v1/courses", headers=teacher.headers, json={"title": "ok", **body})
    assert 400 <= r.status_code < 500 and r.json()["error_code"], r.text


def test_prerequisites_must_exist_and_not_form_a_cycle(api: Api, teacher: Account) -> None:
    first = course(api, teacher)
    second = course(api, teacher, prerequisites=[first["id"]])
    assert second["prerequisites"] == [first["id"]]
    r = api.http.patch(
        f"/api/v1/courses/{first['id']}", headers=teacher.headers, json={"prerequisites": [second["id"]]}
    )
    expect(r, 422, "prerequisite_cycle")
    r = api.http.patch(f"/api/v1/courses/{first['id']}", headers=teacher.headers, json={"prerequisites": [first["id"]]})
    expect(r, 422, "prerequisite_cycle")
    r = api.http.post(
        "/api/v1/courses", headers=teacher.headers, json={"title": "x", "prerequisites": [str(uuid.uuid4())]}
    )
    expect(r, 422, "unknown_prerequisite")


def test_deleting_a_course_removes_its_content_and_keeps_students_recordings(
    api: Api, teacher: Account, student: Account
) -> None:
    c = course(api, teacher)
    ch = chapter(api, teacher, c["id"], "One")
    expect(enroll(api, student, c["id"]), 201)
    recording_id = unprocessable_recording(api, student, "my practice")
    expect(api.http.delete(f"/api/v1/courses/{c['id']}", headers=teacher.headers), 204)
    expect(api.http.get(f"/api/v1/courses/{c['id']}"), 404, "course_not_found")
    expect(api.http.get(f"/api/v1/chapters/{ch['id']}", headers=teacher.headers), 404, "chapter_not_found")
    assert expect(api.http.get("/api/v1/users/me/courses", headers=student.headers), 200)["items"] == []
    expect(api.http.get(f"/api/v1/recordings/{recording_id}", headers=student.headers), 200)
