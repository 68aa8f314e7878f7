"""People: the teacher directory, the exact username lookup, /auth/me, the login's user, and shares
and relationship requests naming the other person by username."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.api import Account, Api
from tests.e2e.authz_support import share, unprocessable_recording, verified

pytestmark = pytest.mark.api


def _teacher(api: Api, instruments: list[str], display_name: str | None = None) -> Account:
    teacher = api.register("teacher")
    body: dict = {"instruments": instruments}
    if display_name:
        body["display_name"] = display_name
    assert api.http.patch("/api/v1/users/me", headers=teacher.headers, json=body).status_code == 200
    return teacher


def _directory(api: Api, caller: Account, **params: object) -> dict:
    r = api.http.get("/api/v1/users/teachers", headers=caller.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_directory_lists_active_teachers_by_instrument_and_name(api: Api, account: Account) -> None:
    tag = uuid.uuid4().hex[:8]
    cellist = _teacher(api, ["Cello", "Piano"], display_name=f"Clara {tag}")
    violinist = _teacher(api, ["violin"], display_name=f"Vera {tag}")
    api.register("student")  # never listed

    found = _directory(api, account, q=tag)
    assert {t["id"] for t in found["items"]} == {cellist.id, violinist.id} and found["total"] == 2
    assert "email" not in found["items"][0]
    cello = _directory(api, account, q=tag, instrument="cello")
    assert [t["username"] for t in cello["items"]] == [cellist.username]
    assert _directory(api, account, q=tag, instrument="cell")["total"] == 0  # a whole instrument, not a part
    page = _directory(api, account, q=tag, limit=1, offset=1)
    assert (len(page["items"]), page["total"]) == (1, 2)
    assert _directory(api, account, q=cellist.username.upper())["items"][0]["id"] == cellist.id
    # LIKE wildcards are literal: "_<tag>" would match " <tag>" in the display names otherwise
    assert _directory(api, account, q=f"_{tag}")["total"] == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [({"limit": 0}, 422), ({"limit": 101}, 422), ({"offset": -1}, 422), ({"q": "x" * 101}, 422), ({"q": "a\x00"}, 422)],
)
def test_bad_directory_queries(api: Api, account: Account, params: dict, status: int) -> None:
    r = api.http.get("/api/v1/users/teachers", headers=account.headers, params=params)
    assert r.status_code == status and r.json()["error_code"]


def test_lookup_finds_exactly_one_username(api: Api, account: Account) -> None:
    other = api.register()
    r = api.http.get("/api/v1/users/lookup", headers=account.headers, params={"username": other.username.upper()})
    assert (r.status_code, r.json()["id"]) == (200, other.id)
    assert "email" not in r.json()
    partial = api.http.get("/api/v1/users/lookup", headers=account.headers, params={"username": other.username[:-1]})
    assert (partial.status_code, partial.json()["error_code"]) == (404, "user_not_found")
    missing = api.http.get("/api/v1/users/lookup", headers=account.headers)
    assert missing.status_code in (400, 422) and missing.json()["error_code"]


def test_auth_me_and_the_login_answer_carry_the_account(api: Api, account: Account) -> None:
    r = api.http.get("/api/v1/auth/me", headers=account.headers)
    assert r.status_code == 200 and r.json()["id"] == account.id and r.json()["email"] == account.email
    assert api.http.get("/api/v1/auth/me").status_code == 401
    login = api.login(account.username, account.password)
    assert login["access_token"] and login["refresh_token"]
    assert (login["user"]["id"], login["user"]["username"]) == (account.id, account.username)


def test_a_share_names_its_recipient_by_username(api: Api, base_env: dict[str, str]) -> None:
    owner, friend = verified(api, base_env), verified(api, base_env)
    recording_id = unprocessable_recording(api, owner)
    path = f"/api/v1/recordings/{recording_id}/shares"
    r = api.http.post(path, headers=owner.headers, json={"username": friend.username})
    assert (r.status_code, r.json()["user_id"]) == (201, friend.id)
    assert share(api, owner, recording_id, friend).status_code == 200  # the same share, by id


@pytest.mark.parametrize("target", ["/api/v1/recordings/{rid}/shares", "/api/v1/relationships"])
def test_user_id_or_username_exactly_one(api: Api, base_env: dict[str, str], target: str) -> None:
    owner, friend = verified(api, base_env), verified(api, base_env, role="teacher")
    path = target.format(rid=unprocessable_recording(api, owner))
    cases = [
        ({}, 422, "validation_error"),
        ({"user_id": friend.id, "username": friend.username}, 422, "validation_error"),
        ({"username": f"nobody{uuid.uuid4().hex[:8]}"}, 404, "user_not_found"),
        ({"username": ""}, 422, "validation_error"),
    ]
    for body, status, code in cases:
        r = api.http.post(path, headers=owner.headers, json=body)
        assert (r.status_code, r.json()["error_code"]) == (status, code), body


def test_a_relationship_request_names_the_teacher_by_username(api: Api, base_env: dict[str, str]) -> None:
    student, teacher = verified(api, base_env), verified(api, base_env, role="teacher")
    r = api.http.post("/api/v1/relationships", headers=student.headers, json={"username": teacher.username})
    assert r.status_code == 201, r.text
    assert r.json()["teacher"]["id"] == teacher.id and r.json()["status"] == "pending"
