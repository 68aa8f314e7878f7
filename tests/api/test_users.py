"""Profiles: the caller's own account, its update (PATCH semantics), public profiles of others."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api

ME = "/api/v1/users/me"
PUBLIC_FIELDS = {
    "id",
    "username",
    "role",
    "display_name",
    "bio",
    "instruments",
    "experience_level",
    "photo_url",
    "photo_thumb_url",
    "follower_count",
}


@pytest.fixture(scope="module")
def untouched(api: Api) -> Account:
    """One account for the refused updates: none of them may change it."""
    return api.register()


def _patch(api: Api, account: Account, body: object) -> httpx.Response:
    return api.http.patch(ME, headers=account.headers, json=body)


def _ok(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text
    return r.json()


def test_a_new_account_has_an_empty_profile(api: Api, account: Account) -> None:
    me = _ok(api.http.get(ME, headers=account.headers))
    assert (me["id"], me["username"], me["email"], me["role"]) == (
        account.id,
        account.username,
        account.email,
        "student",
    )
    assert {k: me[k] for k in ("bio", "instruments", "experience_level")} == {
        "bio": None,
        "instruments": [],
        "experience_level": None,
    }
    assert {k: me[k] for k in ("photo_status", "photo_error_code", "photo_url", "photo_thumb_url")} == dict.fromkeys(
        ("photo_status", "photo_error_code", "photo_url", "photo_thumb_url")
    )


def test_patch_changes_only_the_fields_sent_and_null_clears(api: Api, account: Account) -> None:
    body = {
        "display_name": "  Clara W.  ",
        "bio": "Pianist.\nPracticing Schumann.",
        "instruments": ["Piano", " viola  da gamba ", "piano"],
        "experience_level": "advanced",
    }
    me = _ok(_patch(api, account, body))
    assert me["display_name"] == "Clara W." and me["bio"] == "Pianist.\nPracticing Schumann."
    assert me["instruments"] == ["Piano", "viola da gamba"]  # trimmed, duplicates (any case) dropped
    assert me["experience_level"] == "advanced"

    me = _ok(_patch(api, account, {"bio": None, "instruments": None}))
    assert (me["bio"], me["instruments"]) == (None, [])
    assert (me["display_name"], me["experience_level"]) == ("Clara W.", "advanced"), "absent fields are untouched"

    assert _ok(_patch(api, account, {})) == me
    assert _ok(api.http.get(ME, headers=account.headers))["display_name"] == "Clara W."


@pytest.mark.parametrize(
    "body",
    [
        {"bio": "x" * 2001},
        {"instruments": [f"instrument {i}" for i in range(21)]},
        {"instruments": ["x" * 41]},
        {"instruments": [""]},
        {"instruments": ["   "]},
        {"instruments": "piano"},
        {"display_name": "Nul\u0000Name"},
        {"display_name": ""},
        {"bio": "bell\u0007"},
        {"experience_level": "virtuoso"},
        {"role": "admin"},
        {"email": "new@example.test"},
        {"is_active": False},
        ["not", "an", "object"],
    ],
    ids=[
        "bio-too-long",
        "too-many-instruments",
        "instrument-too-long",
        "instrument-empty",
        "instrument-blank",
        "instruments-not-a-list",
        "nul-in-name",
        "empty-name",
        "control-char-in-bio",
        "unknown-level",
        "role",
        "email",
        "is-active",
        "not-an-object",
    ],
)
def test_invalid_profile_updates_are_refused(api: Api, untouched: Account, body: object) -> None:
    r = _patch(api, untouched, body)
    assert (r.status_code, r.json()["error_code"]) == (422, "validation_error"), r.text
    me = _ok(api.http.get(ME, headers=untouched.headers))
    assert me["role"] == "student" and me["email"] == untouched.email and me["bio"] is None
    assert me["display_name"] is None and me["instruments"] == [] and me["experience_level"] is None


def test_limits_are_inclusive(api: Api, account: Account) -> None:
    body = {"bio": "b" * 2000, "instruments": [f"{i:02d}" + "i" * 38 for i in range(20)]}
    me = _ok(_patch(api, account, body))
    assert len(me["bio"]) == 2000 and len(me["instruments"]) == 20


def test_public_profiles_show_no_private_fields(api: Api) -> None:
    student, teacher = api.register(), api.register(role="teacher")
    _ok(_patch(api, student, {"display_name": "Sam", "instruments": ["cello"], "experience_level": "beginner"}))
    for viewer, shown in [(teacher, student), (student, teacher), (student, student)]:
        profile = _ok(api.http.get(f"/api/v1/users/{shown.id}", headers=viewer.headers))
        assert set(profile) == PUBLIC_FIELDS
        assert profile["id"] == shown.id and profile["username"] == shown.username
    profile = _ok(api.http.get(f"/api/v1/users/{student.id}", headers=teacher.headers))
    assert (profile["display_name"], profile["instruments"], profile["role"]) == ("Sam", ["cello"], "student")


def test_unknown_profiles_and_anonymous_callers(api: Api, account: Account) -> None:
    r = api.http.get(f"/api/v1/users/{uuid.uuid4()}", headers=account.headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "user_not_found")
    r = api.http.get(f"/api/v1/users/{account.id}")
    assert (r.status_code, r.json()["error_code"]) == (401, "not_authenticated")
    assert api.http.patch(ME, json={"bio": "anonymous"}).status_code == 401
    assert api.http.get("/api/v1/users/not-a-uuid", headers=account.headers).status_code in (400, 404, 422)
