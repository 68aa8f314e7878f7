"""Share links open a recording without signing in, until they expire or are deleted; views and goals."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.api.feedback_support import error, made, timed_recording
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import share, verified

pytestmark = pytest.mark.api


def make_link(api: Api, owner: Account, recording_id: str, seconds: object = 3600) -> object:
    return api.http.post(
        f"/api/v1/recordings/{recording_id}/links", headers=owner.headers, json={"expires_in_seconds": seconds}
    )


def test_a_link_opens_the_ready_recording_with_media_until_deleted(
    api: Api, base_env: dict[str, str], clip_small: Path
) -> None:
    owner = verified(api, base_env)
    _, ready = api.process(owner, clip_small, title="Bourrée")
    created = made(make_link(api, owner, ready["id"]))
    assert created["url"].endswith(f"/api/v1/shared/{created['token']}")
    # Only a hash of the token is stored
    rows = sql(base_env["DATABASE_URL"], "SELECT token_hash FROM share_links WHERE id = $1", uuid.UUID(created["id"]))
    assert created["token"] not in rows[0]["token_hash"] and len(rows[0]["token_hash"]) == 64

    # Anyone holding the link sees the recording, with media URLs that play, but no owner-only details
    r = api.http.get(f"/api/v1/shared/{created['token']}")
    assert r.status_code == 200, r.text
    seen = r.json()
    assert (seen["id"], seen["title"], seen["permissions"], seen["job_id"]) == (ready["id"], "Bourrée", ["view"], None)
    assert seen["renditions"] and api.http.get(seen["renditions"][0]["url"]).status_code == 200

    listed = api.http.get(f"/api/v1/recordings/{ready['id']}/links", headers=owner.headers).json()
    assert [(x["id"], x["expired"]) for x in listed["items"]] == [(created["id"], False)] and "token" not in listed["items"][0]

    r = api.http.delete(f"/api/v1/recordings/{ready['id']}/links/{created['id']}", headers=owner.headers)
    assert r.status_code == 204
    error(api.http.get(f"/api/v1/shared/{created['token']}"), 404, "link_not_found")
    error(api.http.delete(f"/api/v1/recordings/{ready['id']}/links/{created['id']}", headers=owner.headers), 404,
          "link_not_found")  # fmt: skip


def test_an_expired_link_or_a_made_up_token_is_not_found(api: Api, base_env: dict[str, str]) -> None:
    owner = verified(api, base_env)
    recording_id = timed_recording(api, base_env, owner)
    created = made(make_link(api, owner, recording_id, 60))
    assert api.http.get(f"/api/v1/shared/{created['token']}").status_code == 200
    sql(base_env["DATABASE_URL"], "UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = $1",
        uuid.UUID(created["id"]))  # fmt: skip
    error(api.http.get(f"/api/v1/shared/{created['token']}"), 404, "link_not_found")
    error(api.http.get("/api/v1/shared/made-up"), 404, "link_not_found")
    error(api.http.get("/api/v1/shared/" + "x" * 300), 404, "link_not_found")


def test_link_expiry_is_at_most_thirty_days(api: Api, base_env: dict[str, str]) -> None:
    owner = verified(api, base_env)
    recording_id = timed_recording(api, base_env, owner)
    assert make_link(api, owner, recording_id, 30 * 24 * 3600).status_code == 201
    for bad in (30 * 24 * 3600 + 1, 0, -5, "soon", None):
        error(make_link(api, owner, recording_id, bad), 422, "validation_error")
    assert api.http.get(f"/api/v1/recordings/{recording_id}/links", headers=owner.headers).json()["total"] == 1


def test_views_by_others_count_once_per_viewer_per_day_and_goals_are_patchable(
    api: Api, base_env: dict[str, str]
) -> None:
    owner, friend, other = verified(api, base_env), verified(api, base_env), api.register()
    recording_id = timed_recording(api, base_env, owner)
    path = f"/api/v1/recordings/{recording_id}"
    assert share(api, owner, recording_id, friend).status_code == 201
    assert api.recording(owner, recording_id)["view_count"] == 0  # the owner's views do not count
    assert api.recording(friend, recording_id)["view_count"] == 1  # the friend sees their own view counted
    assert api.recording(friend, recording_id)["view_count"] == 1  # once a day
    error(api.http.get(path, headers=other.headers), 404, "recording_not_found")  # a stranger's try is no view
    assert api.recording(owner, recording_id)["view_count"] == 1
    # A view on an earlier day counts again the next day
    sql(base_env["DATABASE_URL"], "UPDATE recording_views SET day = day - 1 WHERE recording_id = $1",
        uuid.UUID(recording_id))  # fmt: skip
    assert api.recording(friend, recording_id)["view_count"] == 2

    r = api.http.patch(path, headers=owner.headers, json={"practice_goals": "even sixteenths at 96"})
    assert r.status_code == 200 and r.json()["practice_goals"] == "even sixteenths at 96", r.text
    assert api.recording(friend, recording_id)["practice_goals"] == "even sixteenths at 96"
    error(api.http.patch(path, headers=friend.headers, json={"practice_goals": "mine"}), 403, "not_owner")
    error(api.http.patch(path, headers=owner.headers, json={"practice_goals": "x" * 5001}), 422, "validation_error")
