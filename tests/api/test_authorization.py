"""The authorization matrix: every recording action against every kind of caller, one cell each.

The recording under test belongs to a student, is private, and is shared with a teacher who has an
active relationship with that student. Cells that destroy (delete) get a fresh recording set up
the same way; the others share one processed (ready) recording, so media URLs can be fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, link, share, unprocessable_recording, verified

pytestmark = pytest.mark.api


@dataclass
class World:
    owner: Account
    callers: dict[str, Account | None]
    recipient: Account  # whom the owner's "share" cell shares with
    ready_id: str  # the shared, processed recording

    def shared_recording(self, api: Api) -> str:
        """A new recording configured like the ready one (shared with the linked teacher)."""
        recording_id = unprocessable_recording(api, self.owner)
        assert share(api, self.owner, recording_id, self.callers["linked teacher, shared"]).status_code == 201
        return recording_id


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str], clip_small: Path) -> World:
    owner = verified(api, base_env)
    linked_teacher, linked_unshared = verified(api, base_env, "teacher"), verified(api, base_env, "teacher")
    link(api, owner, linked_teacher)
    link(api, owner, linked_unshared)
    callers: dict[str, Account | None] = {
        "owner": owner,
        "linked teacher, shared": linked_teacher,
        "linked teacher, not shared": linked_unshared,
        "other teacher": api.register("teacher"),
        "other student": api.register(),
        "admin": admin(api, base_env),
        "anonymous": None,
    }
    job, ready = api.process(owner, clip_small, title="sonata")
    assert ready["status"] == "ready" and ready["renditions"], job
    assert share(api, owner, ready["id"], linked_teacher).status_code == 201
    return World(owner=owner, callers=callers, recipient=api.register(), ready_id=ready["id"])


def _outcome(r: httpx.Response) -> str:
    """``"200"`` or ``"404 recording_not_found"``: the status, and the error code of a refusal."""
    return str(r.status_code) if r.status_code < 400 else f"{r.status_code} {r.json()['error_code']}"


def _list(api: Api, world: World, caller: Account | None) -> str:
    """The default list's status, then the scopes whose list (filtered to the owner) holds the recording."""
    default = api.http.get("/api/v1/recordings", headers=headers(caller))
    found = []
    for scope in ("mine", "shared", "public", "all"):
        params = {"scope": scope, "owner_id": world.owner.id}
        r = api.http.get("/api/v1/recordings", headers=headers(caller), params=params)
        if r.status_code == 200 and world.ready_id in {item["id"] for item in r.json()["items"]}:
            found.append(scope)
    return f"{default.status_code} " + (f"listed in {', '.join(found)}" if found else "not listed")


def _detail(api: Api, world: World, caller: Account | None) -> str:
    return _outcome(api.http.get(f"/api/v1/recordings/{world.ready_id}", headers=headers(caller)))


def _media(api: Api, world: World, caller: Account | None) -> str:
    """Media URLs are issued with the detail: fetch the caller's URL of the first rendition."""
    r = api.http.get(f"/api/v1/recordings/{world.ready_id}", headers=headers(caller))
    if r.status_code != 200:
        return _outcome(r)
    return _outcome(api.http.get(r.json()["renditions"][0]["url"]))


def _update(api: Api, world: World, caller: Account | None) -> str:
    path = f"/api/v1/recordings/{world.ready_id}"
    return _outcome(api.http.patch(path, headers=headers(caller), json={"description": "fingering marked"}))


def _delete(api: Api, world: World, caller: Account | None) -> str:
    recording_id = world.shared_recording(api)
    outcome = _outcome(api.http.delete(f"/api/v1/recordings/{recording_id}", headers=headers(caller)))
    still_there = api.http.get(f"/api/v1/recordings/{recording_id}", headers=world.owner.headers).status_code
    assert still_there == (404 if outcome == "204" else 200), (outcome, still_there)
    return outcome


def _share(api: Api, world: World, caller: Account | None) -> str:
    path = f"/api/v1/recordings/{world.ready_id}/shares"
    return _outcome(api.http.post(path, headers=headers(caller), json={"user_id": world.recipient.id}))


ACTIONS: dict[str, Callable[[Api, World, Account | None], str]] = {
    "list": _list,
    "detail": _detail,
    "media": _media,
    "update": _update,
    "delete": _delete,
    "share": _share,
}
GONE, NOT_OWNER, LOGIN = "404 recording_not_found", "403 not_owner", "401 not_authenticated"
# fmt: off
MATRIX: dict[str, tuple[str, ...]] = {
    #                              list                    detail media  update     delete     share
    "owner":                      ("200 listed in mine",   "200", "200", "200",     "204",     "201"),
    "linked teacher, shared":     ("200 listed in shared", "200", "200", NOT_OWNER, NOT_OWNER, NOT_OWNER),
    "linked teacher, not shared": ("200 not listed",       GONE,  GONE,  GONE,      GONE,      GONE),
    "other teacher":              ("200 not listed",       GONE,  GONE,  GONE,      GONE,      GONE),
    "other student":              ("200 not listed",       GONE,  GONE,  GONE,      GONE,      GONE),
    "admin":                      ("200 listed in all",    "200", "200", "200",     "204",     NOT_OWNER),
    "anonymous":                  ("401 not listed",       LOGIN, LOGIN, LOGIN,     LOGIN,     LOGIN),
}
# fmt: on
CELLS = [
    pytest.param(caller, action, expected, id=f"{caller}-{action}")
    for caller, row in MATRIX.items()
    for action, expected in zip(ACTIONS, row, strict=True)
]


@pytest.mark.parametrize(("caller", "action", "expected"), CELLS)
def test_authorization_matrix(api: Api, world: World, caller: str, action: str, expected: str) -> None:
    assert ACTIONS[action](api, world, world.callers[caller]) == expected
