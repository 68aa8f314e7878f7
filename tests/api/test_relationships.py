"""Teacher-student relationships: request from either side, accept, decline, remove, notifications."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.api import Account, Api
from tests.e2e.authz_support import link, notifications, set_user_columns, share, unprocessable_recording, verified

pytestmark = pytest.mark.api

REQUESTED, ACCEPTED = "relationship.requested", "relationship.accepted"


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json().get("error_code")) == (status, code), r.text


def _ask(api: Api, caller: Account, other: Account | str) -> httpx.Response:
    user_id = other if isinstance(other, str) else other.id
    return api.http.post("/api/v1/relationships", headers=caller.headers, json={"user_id": user_id})


def _answer(api: Api, caller: Account, relationship_id: str, answer: str) -> httpx.Response:
    return api.http.post(f"/api/v1/relationships/{relationship_id}/{answer}", headers=caller.headers)


def _mine(api: Api, caller: Account, **params: str) -> list[tuple[str, str]]:
    r = api.http.get("/api/v1/relationships", headers=caller.headers, params=params)
    assert r.status_code == 200, r.text
    return [(item["id"], item["status"]) for item in r.json()["items"]]


@pytest.fixture
def student(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


def test_a_student_asks_and_the_teacher_accepts_each_notified_once(
    api: Api, student: Account, teacher: Account
) -> None:
    # When the student asks, twice
    r = _ask(api, student, teacher)
    assert r.status_code == 201, r.text
    asked = r.json()
    assert (asked["status"], asked["requested_by"], asked["responded_at"]) == ("pending", student.id, None)
    assert (asked["teacher"]["id"], asked["student"]["username"]) == (teacher.id, student.username)
    repeat = _ask(api, student, teacher)
    assert (repeat.status_code, repeat.json()["id"]) == (200, asked["id"])

    # Then the teacher hears of it once, in the list (live: tests/e2e/test_live_notifications.py)
    [notice] = notifications(api, teacher, REQUESTED)
    assert notice["data"] == {"relationship_id": asked["id"], "requested_by": student.id}
    assert f"{student.username} asked to be your student" == notice["title"]
    assert _mine(api, teacher, status="pending", role="teacher") == [(asked["id"], "pending")]

    # When the teacher accepts (a second accept is a conflict)
    r = _answer(api, teacher, asked["id"], "accept")
    assert r.status_code == 200 and r.json()["status"] == "active" and r.json()["responded_at"], r.text
    _error(_answer(api, teacher, asked["id"], "accept"), 409, "relationship_not_pending")
    _error(_answer(api, teacher, asked["id"], "decline"), 409, "relationship_not_pending")

    # Then the student is told once; both see it active from their side only
    [accepted] = notifications(api, student, ACCEPTED)
    assert accepted["data"] == {"relationship_id": asked["id"], "accepted_by": teacher.id}
    assert notifications(api, teacher, ACCEPTED) == [] and len(notifications(api, teacher, REQUESTED)) == 1
    assert _mine(api, student, status="active", role="student") == [(asked["id"], "active")]
    assert _mine(api, student, role="teacher") == [] and _mine(api, teacher, status="pending") == []
    _error(_ask(api, teacher, student), 409, "relationship_exists")
    _error(_ask(api, student, teacher), 409, "relationship_exists")


def test_a_teacher_asks_is_declined_and_asks_again_on_the_same_row(
    api: Api, student: Account, teacher: Account
) -> None:
    asked = _ask(api, teacher, student).json()
    assert (asked["requested_by"], asked["student"]["id"]) == (teacher.id, student.id)
    assert notifications(api, student, REQUESTED)[0]["title"] == f"{teacher.username} asked to be your teacher"

    r = _answer(api, student, asked["id"], "decline")
    assert r.status_code == 200 and r.json()["status"] == "declined", r.text
    _error(_answer(api, student, asked["id"], "accept"), 409, "relationship_not_pending")
    assert notifications(api, teacher, ACCEPTED) == []

    # Asking again reuses the pair's row and is a new request, notified again
    again = _ask(api, teacher, student)
    assert again.status_code == 201 and again.json()["id"] == asked["id"], again.text
    assert (again.json()["status"], again.json()["responded_at"]) == ("pending", None)
    assert len(notifications(api, student, REQUESTED)) == 2
    assert _answer(api, student, asked["id"], "accept").json()["status"] == "active"


def test_only_the_asked_party_may_answer_and_only_parties_see_it(api: Api, student: Account, teacher: Account) -> None:
    relationship_id = _ask(api, student, teacher).json()["id"]
    stranger = api.register("teacher")
    _error(_answer(api, student, relationship_id, "accept"), 403, "not_recipient")
    _error(_answer(api, student, relationship_id, "decline"), 403, "not_recipient")
    for r in (
        _answer(api, stranger, relationship_id, "accept"),
        api.http.get(f"/api/v1/relationships/{relationship_id}", headers=stranger.headers),
        api.http.delete(f"/api/v1/relationships/{relationship_id}", headers=stranger.headers),
    ):
        _error(r, 404, "relationship_not_found")
    assert _mine(api, stranger) == []
    _error(_ask(api, teacher, student), 409, "relationship_pending")  # asked already: answer it instead
    assert (
        api.http.get(f"/api/v1/relationships/{relationship_id}", headers=teacher.headers).json()["status"] == "pending"
    )
    _error(api.http.post(f"/api/v1/relationships/{relationship_id}/accept"), 401, "not_authenticated")


def test_invalid_requests(api: Api, base_env: dict[str, str], student: Account, teacher: Account) -> None:
    other_student, other_teacher = api.register(), verified(api, base_env, "teacher")
    gone = api.register("teacher")
    set_user_columns(base_env["DATABASE_URL"], gone.id, is_active=False)
    _error(_ask(api, student, other_student), 422, "invalid_relationship")
    _error(_ask(api, teacher, other_teacher), 422, "invalid_relationship")
    _error(_ask(api, student, student), 422, "invalid_relationship")
    _error(_ask(api, student, "00000000-0000-4000-8000-000000000000"), 404, "user_not_found")
    _error(_ask(api, student, gone), 404, "user_not_found")
    _error(_ask(api, student, "not-a-uuid"), 422, "validation_error")
    _error(_ask(api, api.register(), teacher), 403, "email_not_verified")
    r = api.http.post("/api/v1/relationships", headers=student.headers, json={"user_id": teacher.id, "x": 1})
    _error(r, 422, "validation_error")
    for params in ({"status": "friends"}, {"role": "admin"}, {"limit": 0}):
        _error(api.http.get("/api/v1/relationships", headers=student.headers, params=params), 422, "validation_error")
    assert _mine(api, student) == [] and notifications(api, teacher, REQUESTED) == []


def test_removing_ends_the_link_and_revokes_its_shares(api: Api, student: Account, teacher: Account) -> None:
    # Given an active link and a recording the student shared with the teacher
    relationship_id = link(api, student, teacher)
    recording_id = unprocessable_recording(api, student)
    assert share(api, student, recording_id, teacher).status_code == 201
    assert api.http.get(f"/api/v1/recordings/{recording_id}", headers=teacher.headers).status_code == 200

    # When the teacher ends it (twice: the second changes nothing)
    for _ in range(2):
        r = api.http.delete(f"/api/v1/relationships/{relationship_id}", headers=teacher.headers)
        assert r.status_code == 204, r.text

    # Then it is removed for both, and the teacher no longer sees the recording
    assert _mine(api, student) == [(relationship_id, "removed")]
    r = api.http.get(f"/api/v1/recordings/{recording_id}", headers=teacher.headers)
    _error(r, 404, "recording_not_found")
    assert api.http.get("/api/v1/recordings?scope=shared", headers=teacher.headers).json()["total"] == 0
    _error(_answer(api, student, relationship_id, "accept"), 409, "relationship_not_pending")

    # And a new request reuses the row
    again = _ask(api, student, teacher)
    assert (again.status_code, again.json()["id"], again.json()["status"]) == (201, relationship_id, "pending")


def test_the_requester_may_withdraw_a_pending_request(api: Api, student: Account, teacher: Account) -> None:
    relationship_id = _ask(api, teacher, student).json()["id"]
    assert api.http.delete(f"/api/v1/relationships/{relationship_id}", headers=teacher.headers).status_code == 204
    _error(_answer(api, student, relationship_id, "accept"), 409, "relationship_not_pending")
    assert _mine(api, student, status="removed") == [(relationship_id, "removed")]
