"""The review-and-feedback authorization matrix: every new action against every kind of caller.

The recording belongs to a verified student and is shared with a verified student ("shared user"),
with a teacher in an active relationship with the owner, and with an unverified student. The
comment acted on is the shared user's (its author): cells that change or delete get a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.api.feedback_support import comment, made, reply, timed_recording
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, link, share, verified

pytestmark = pytest.mark.api


@dataclass
class World:
    owner: Account
    author: Account  # the shared user, who writes the comments acted on
    teacher: Account
    callers: dict[str, Account | None]
    recording_id: str

    def fresh_comment(self, api: Api) -> str:
        return made(comment(api, self.author, self.recording_id, 12.0))["id"]


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    owner, author = verified(api, base_env), verified(api, base_env)
    teacher, unverified = verified(api, base_env, "teacher"), api.register()
    link(api, owner, teacher)
    recording_id = timed_recording(api, base_env, owner)
    for viewer in (author, teacher, unverified):
        assert share(api, owner, recording_id, viewer).status_code == 201
    callers: dict[str, Account | None] = {
        "owner": owner,
        "shared user": author,
        "teacher of owner": teacher,
        "stranger": verified(api, base_env),
        "anonymous": None,
        "unverified": unverified,
        "admin": admin(api, base_env),
    }
    return World(owner, author, teacher, callers, recording_id)


def _outcome(r: httpx.Response) -> str:
    return str(r.status_code) if r.status_code < 400 else f"{r.status_code} {r.json()['error_code']}"


def _list(api: Api, w: World, c: Account | None) -> str:
    return _outcome(api.http.get(f"/api/v1/recordings/{w.recording_id}/comments", headers=headers(c)))


def _comment(api: Api, w: World, c: Account | None) -> str:
    return _outcome(comment(api, c, w.recording_id, 3.0))


def _reply(api: Api, w: World, c: Account | None) -> str:
    return _outcome(reply(api, c, w.fresh_comment(api)))


def _edit(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/comments/{w.fresh_comment(api)}"
    return _outcome(api.http.patch(path, headers=headers(c), json={"body": "changed"}))


def _resolve(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/comments/{w.fresh_comment(api)}"
    return _outcome(api.http.patch(path, headers=headers(c), json={"resolved": True}))


def _delete(api: Api, w: World, c: Account | None) -> str:
    return _outcome(api.http.delete(f"/api/v1/comments/{w.fresh_comment(api)}", headers=headers(c)))


def _assess(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/recordings/{w.recording_id}/assessments"
    return _outcome(api.http.post(path, headers=headers(c), json={"rating": 4}))


def _assessments(api: Api, w: World, c: Account | None) -> str:
    return _outcome(api.http.get(f"/api/v1/recordings/{w.recording_id}/assessments", headers=headers(c)))


def _progress(api: Api, w: World, c: Account | None) -> str:
    return _outcome(api.http.get(f"/api/v1/users/{w.owner.id}/progress", headers=headers(c)))


def _make_link(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/recordings/{w.recording_id}/links"
    return _outcome(api.http.post(path, headers=headers(c), json={"expires_in_seconds": 600}))


def _list_links(api: Api, w: World, c: Account | None) -> str:
    return _outcome(api.http.get(f"/api/v1/recordings/{w.recording_id}/links", headers=headers(c)))


def _delete_link(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/recordings/{w.recording_id}/links"
    link_id = api.http.post(path, headers=w.owner.headers, json={"expires_in_seconds": 600}).json()["id"]
    return _outcome(api.http.delete(f"{path}/{link_id}", headers=headers(c)))


def _open_link(api: Api, w: World, c: Account | None) -> str:
    path = f"/api/v1/recordings/{w.recording_id}/links"
    token = api.http.post(path, headers=w.owner.headers, json={"expires_in_seconds": 600}).json()["token"]
    return _outcome(api.http.get(f"/api/v1/shared/{token}", headers=headers(c)))


ACTIONS: dict[str, Callable[[Api, World, Account | None], str]] = {
    "list comments": _list,
    "comment": _comment,
    "reply": _reply,
    "edit": _edit,
    "resolve": _resolve,
    "delete comment": _delete,
    "assess": _assess,
    "list assessments": _assessments,
    "progress": _progress,
    "make link": _make_link,
    "list links": _list_links,
    "delete link": _delete_link,
    "open link": _open_link,
}
GONE, NO_COMMENT, LOGIN = "404 recording_not_found", "404 comment_not_found", "401 not_authenticated"
NOT_AUTHOR, NOT_STUDENT, NOT_OWNER = "403 not_author", "403 not_your_student", "403 not_owner"
VERIFY = "403 email_not_verified"
# fmt: off
MATRIX: dict[str, tuple[str, ...]] = {
    #                   list   comment reply  edit        resolve     delete      assess       list a.      progress     make link  list links delete link open
    "owner":            ("200", "201", "201", NOT_AUTHOR, "200",      "204",      NOT_STUDENT, "200",       "200",       "201",     "200",     "204",     "200"),
    "shared user":      ("200", "201", "201", "200",      "200",      "204",      NOT_STUDENT, NOT_STUDENT, NOT_STUDENT, NOT_OWNER, NOT_OWNER, NOT_OWNER, "200"),
    "teacher of owner": ("200", "201", "201", NOT_AUTHOR, NOT_AUTHOR, NOT_AUTHOR, "201",       "200",       "200",       NOT_OWNER, NOT_OWNER, NOT_OWNER, "200"),
    "stranger":         (GONE,  GONE,  NO_COMMENT, NO_COMMENT, NO_COMMENT, NO_COMMENT, GONE, GONE,        NOT_STUDENT, GONE,      GONE,      GONE,      "200"),
    "anonymous":        (LOGIN, LOGIN, LOGIN, LOGIN,      LOGIN,      LOGIN,      LOGIN,       LOGIN,       LOGIN,       LOGIN,     LOGIN,     LOGIN,     "200"),
    "unverified":       ("200", VERIFY, VERIFY, NOT_AUTHOR, NOT_AUTHOR, NOT_AUTHOR, NOT_STUDENT, NOT_STUDENT, NOT_STUDENT, NOT_OWNER, NOT_OWNER, NOT_OWNER, "200"),
    "admin":            ("200", "201", "201", NOT_AUTHOR, NOT_AUTHOR, "204",      NOT_STUDENT, "200",       "200",       NOT_OWNER, NOT_OWNER, NOT_OWNER, "200"),
}
# fmt: on
CELLS = [
    pytest.param(caller, action, expected, id=f"{caller}-{action}")
    for caller, row in MATRIX.items()
    for action, expected in zip(ACTIONS, row, strict=True)
]


@pytest.mark.parametrize(("caller", "action", "expected"), CELLS)
def test_feedback_authorization_matrix(api: Api, world: World, caller: str, action: str, expected: str) -> None:
    assert ACTIONS[action](api, world, world.callers[caller]) == expected


def test_a_public_recording_takes_comments_from_any_signed_in_user_but_not_anonymous(
    api: Api, base_env: dict[str, str], world: World
) -> None:
    recording_id = timed_recording(api, base_env, world.owner, is_public=True)
    stranger = world.callers["stranger"]
    assert stranger is not None
    assert _outcome(comment(api, stranger, recording_id, 1.0)) == "201"
    assert _outcome(api.http.get(f"/api/v1/recordings/{recording_id}/comments", headers=stranger.headers)) == "200"
    assert _outcome(api.http.get(f"/api/v1/recordings/{recording_id}/comments")) == LOGIN
    assert _outcome(api.http.get(f"/api/v1/recordings/{recording_id}")) == LOGIN
