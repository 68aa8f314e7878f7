"""Sharing recordings with users, and public recordings."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, notifications, set_user_columns, share, unprocessable_recording, verified

pytestmark = pytest.mark.api

SHARED = "recording.shared"


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json().get("error_code")) == (status, code), r.text


def _ids(api: Api, caller: Account | None, **params: str) -> list[str]:
    r = api.http.get("/api/v1/recordings", headers=caller.headers if caller else {}, params=params)
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


def _shares(api: Api, owner: Account, recording_id: str) -> list[str]:
    r = api.http.get(f"/api/v1/recordings/{recording_id}/shares", headers=owner.headers)
    assert r.status_code == 200, r.text
    return [item["user_id"] for item in r.json()["items"]]


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def test_share_and_unshare(api: Api, owner: Account) -> None:
    recording_id = unprocessable_recording(api, owner, title="Nocturne")
    friend = api.register("teacher")
    path = f"/api/v1/recordings/{recording_id}"

    # When the owner shares, twice
    r = share(api, owner, recording_id, friend)
    assert r.status_code == 201, r.text
    assert (r.json()["user_id"], r.json()["username"], r.json()["recording_id"]) == (
        friend.id,
        friend.username,
        recording_id,
    )
    again = share(api, owner, recording_id, friend)
    assert (again.status_code, again.json()["created_at"]) == (200, r.json()["created_at"])

    # Then the friend is told once, sees it in "shared" and may only view it
    [notice] = notifications(api, friend, SHARED)
    assert notice["data"] == {"recording_id": recording_id, "shared_by": owner.id}
    assert notice["title"] == f"{owner.username} shared “Nocturne” with you"
    assert _ids(api, friend, scope="shared") == [recording_id] and _ids(api, friend) == []
    seen = api.http.get(path, headers=friend.headers).json()
    assert (seen["permissions"], seen["job_id"], seen["original_filename"]) == (["view"], None, None)
    owner_permissions = ["delete", "publish", "replace", "share", "update", "view"]
    assert api.recording(owner, recording_id)["permissions"] == owner_permissions
    assert _shares(api, owner, recording_id) == [friend.id]
    _error(api.http.get(f"{path}/shares", headers=friend.headers), 403, "not_owner")
    _error(api.http.delete(f"{path}/shares/{owner.id}", headers=friend.headers), 403, "not_owner")

    # When the owner stops sharing, the friend loses it
    assert api.http.delete(f"{path}/shares/{friend.id}", headers=owner.headers).status_code == 204
    _error(api.http.get(path, headers=friend.headers), 404, "recording_not_found")
    _error(api.http.delete(f"{path}/shares/{friend.id}", headers=owner.headers), 404, "share_not_found")
    assert _ids(api, friend, scope="shared") == [] and _shares(api, owner, recording_id) == []

    # And sharing again is a new share, notified again
    assert share(api, owner, recording_id, friend).status_code == 201
    assert len(notifications(api, friend, SHARED)) == 2


def test_a_recipient_may_leave_a_share_and_deleting_removes_shares(api: Api, owner: Account) -> None:
    kept, left = unprocessable_recording(api, owner), unprocessable_recording(api, owner)
    friend = api.register()
    for recording_id in (kept, left):
        assert share(api, owner, recording_id, friend).status_code == 201
    assert set(_ids(api, friend, scope="shared")) == {kept, left}

    assert api.http.delete(f"/api/v1/recordings/{left}/shares/{friend.id}", headers=friend.headers).status_code == 204
    assert _ids(api, friend, scope="shared") == [kept]
    assert api.http.delete(f"/api/v1/recordings/{kept}", headers=owner.headers).status_code == 204
    assert _ids(api, friend, scope="shared") == []


def test_sharing_needs_a_verified_owner_and_an_active_other_user(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    recording_id = unprocessable_recording(api, owner)
    friend, stranger, unverified = api.register(), api.register(), api.register()
    gone = api.register()
    set_user_columns(base_env["DATABASE_URL"], gone.id, is_active=False)
    path = f"/api/v1/recordings/{recording_id}/shares"

    _error(share(api, owner, recording_id, owner), 422, "cannot_share_with_self")
    _error(share(api, owner, recording_id, gone), 404, "user_not_found")
    _error(
        api.http.post(path, headers=owner.headers, json={"user_id": str(uuid.uuid4())}),
        404,
        "user_not_found",
    )
    _error(api.http.post(path, headers=owner.headers, json={"user_id": "me"}), 422, "validation_error")
    _error(api.http.post(path, headers=owner.headers, json={}), 422, "validation_error")
    _error(share(api, stranger, recording_id, friend), 404, "recording_not_found")
    _error(api.http.post(path, json={"user_id": friend.id}), 401, "not_authenticated")
    own_id = unprocessable_recording(api, unverified)
    _error(share(api, unverified, own_id, friend), 403, "email_not_verified")
    assert _shares(api, unverified, own_id) == [] and _shares(api, owner, recording_id) == []
    assert notifications(api, friend, SHARED) == []


def test_a_public_recording_is_visible_to_signed_in_users_but_changed_by_its_owner(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    recording_id = unprocessable_recording(api, owner, title="Prelude")
    path = f"/api/v1/recordings/{recording_id}"
    other, moderator = api.register(), admin(api, base_env)
    _error(api.http.get(path, headers=other.headers), 404, "recording_not_found")

    # When the owner makes it public
    r = api.http.patch(path, headers=owner.headers, json={"is_public": True})
    assert r.status_code == 200 and r.json()["is_public"] is True, r.text

    # Then any signed-in user may view and list it, and only view it
    seen = api.http.get(path, headers=other.headers)
    assert seen.status_code == 200, seen.text
    assert (seen.json()["title"], seen.json()["permissions"], seen.json()["job_id"]) == ("Prelude", ["view"], None)
    assert _ids(api, other, scope="public", owner_id=owner.id) == [recording_id]
    _error(api.http.patch(path, headers=other.headers, json={"title": "mine now"}), 403, "not_owner")
    _error(api.http.delete(path, headers=other.headers), 403, "not_owner")
    _error(share(api, other, recording_id, moderator), 403, "not_owner")

    # But anonymous callers see it only through a share link: neither its detail nor the public list
    _error(api.http.get(path), 401, "not_authenticated")
    _error(api.http.get("/api/v1/recordings", params={"scope": "public"}), 401, "not_authenticated")
    _error(api.http.patch(path, json={"title": "anon"}), 401, "not_authenticated")
    _error(api.http.get(path, headers={"Authorization": "Bearer not-a-token"}), 401, "token_invalid")

    # An admin may edit it but not publish or unpublish: that is the owner's choice
    _error(api.http.patch(path, headers=moderator.headers, json={"is_public": False}), 403, "not_owner")
    assert api.http.patch(path, headers=moderator.headers, json={"title": "Prelude (edited)"}).status_code == 200

    # When the owner makes it private again, it is gone for everyone else
    assert api.http.patch(path, headers=owner.headers, json={"is_public": False}).json()["is_public"] is False
    _error(api.http.get(path, headers=other.headers), 404, "recording_not_found")
    assert _ids(api, other, scope="public", owner_id=owner.id) == []


def test_anonymous_callers_cannot_tell_existing_recordings_from_made_up_ids(api: Api, owner: Account) -> None:
    recording_id = unprocessable_recording(api, owner)
    api.http.patch(f"/api/v1/recordings/{recording_id}", headers=owner.headers, json={"is_public": True})
    for rid in (recording_id, str(uuid.uuid4())):
        _error(api.http.get(f"/api/v1/recordings/{rid}"), 401, "not_authenticated")


def test_list_scopes_are_authorized(api: Api, base_env: dict[str, str], owner: Account) -> None:
    _error(api.http.get("/api/v1/recordings"), 401, "not_authenticated")
    _error(api.http.get("/api/v1/recordings", params={"scope": "shared"}), 401, "not_authenticated")
    _error(api.http.get("/api/v1/recordings", headers=owner.headers, params={"scope": "all"}), 403, "admin_only")
    _error(
        api.http.get("/api/v1/recordings", headers=owner.headers, params={"scope": "everything"}),
        422,
        "validation_error",
    )
    mine = unprocessable_recording(api, owner)
    assert _ids(api, owner, owner_id=owner.id) == [mine]
    assert _ids(api, owner, owner_id=api.register().id) == []
    assert mine in _ids(api, admin(api, base_env), scope="all", owner_id=owner.id)
