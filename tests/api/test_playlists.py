"""Playlists with several owners: items in order, members, totals that follow the songs."""

from __future__ import annotations

import uuid

import pytest

from tests.api.playlist_support import add_item, add_member, error, items, playlist, song
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture
def db(base_env: dict[str, str]) -> str:
    return base_env["DATABASE_URL"]


def _titles(api: Api, caller: Account, playlist_id: str) -> list[str]:
    got = items(api, caller, playlist_id)
    assert [i["position"] for i in got] == list(range(len(got)))
    return [i["song"]["title"] for i in got]


def test_items_are_added_moved_and_removed_in_order_with_totals(api: Api, owner: Account, db: str) -> None:
    # Given a playlist and four songs
    pl = playlist(api, owner, title="Scales")
    assert (pl["song_count"], pl["total_duration_seconds"], pl["role"]) == (0, 0.0, "owner")
    a, b, c, d = (song(db, t, 10.0 * (i + 1)) for i, t in enumerate("abcd"))

    # When they are added at the end, at the front and in the middle
    for s in (a, b):
        assert add_item(api, owner, pl["id"], s).status_code == 201
    r = add_item(api, owner, pl["id"], c, position=0)
    assert r.status_code == 201 and r.json()["song_count"] == 3, r.text
    r = add_item(api, owner, pl["id"], d, position=2)
    # Then positions are 0..n-1 in that order and the totals are right
    assert (r.json()["song_count"], r.json()["total_duration_seconds"]) == (4, 100.0)
    assert _titles(api, owner, pl["id"]) == ["c", "a", "d", "b"]

    # When the last item moves to the front, then the first to position 2
    listed = items(api, owner, pl["id"])
    r = api.http.patch(f"/api/v1/playlists/{pl['id']}/items/{listed[3]['id']}", headers=owner.headers, json={"position": 0})
    assert r.status_code == 200, r.text
    assert _titles(api, owner, pl["id"]) == ["b", "c", "a", "d"]
    r = api.http.patch(f"/api/v1/playlists/{pl['id']}/items/{listed[3]['id']}", headers=owner.headers, json={"position": 2})
    assert _titles(api, owner, pl["id"]) == ["c", "a", "b", "d"]

    # When one is removed, the later ones move up
    r = api.http.delete(f"/api/v1/playlists/{pl['id']}/items/{listed[1]['id']}", headers=owner.headers)
    assert r.status_code == 204, r.text
    assert _titles(api, owner, pl["id"]) == ["c", "b", "d"]

    # And a page of items is a page
    assert [i["song"]["title"] for i in items(api, owner, pl["id"], limit=2, offset=1)] == ["b", "d"]


def test_totals_follow_a_new_duration_and_a_deleted_song(api: Api, owner: Account, db: str) -> None:
    pl = playlist(api, owner)
    a, b, c = song(db, "a", 30.0), song(db, "b", 40.0), song(db, "c", None)
    for s in (a, b, c):
        add_item(api, owner, pl["id"], s)
    # When a song's audio is replaced (its duration changes) and another song is deleted
    sql(db, "UPDATE songs SET duration_seconds = 90 WHERE id = $1", uuid.UUID(a))
    sql(db, "DELETE FROM songs WHERE id = $1", uuid.UUID(b))
    # Then the playlist's totals and positions show it at once
    body = api.http.get(f"/api/v1/playlists/{pl['id']}", headers=owner.headers).json()
    assert (body["song_count"], body["total_duration_seconds"]) == (2, 90.0)
    assert _titles(api, owner, pl["id"]) == ["a", "c"]
    # And the next write works on the closed-up positions
    assert add_item(api, owner, pl["id"], song(db, "d"), position=2).status_code == 201
    assert _titles(api, owner, pl["id"]) == ["a", "c", "d"]


def test_bad_item_input_is_a_4xx_with_an_error_code(api: Api, owner: Account, db: str) -> None:
    pl = playlist(api, owner)
    s = song(db)
    error(add_item(api, owner, pl["id"], str(uuid.uuid4())), 422, "song_not_found")
    error(add_item(api, owner, pl["id"], s, position=1), 422, "position_out_of_range")
    assert add_item(api, owner, pl["id"], s).status_code == 201
    [item] = items(api, owner, pl["id"])
    url = f"/api/v1/playlists/{pl['id']}/items"
    error(api.http.patch(f"{url}/{item['id']}", headers=owner.headers, json={"position": 1}), 422, "position_out_of_range")
    error(api.http.patch(f"{url}/{uuid.uuid4()}", headers=owner.headers, json={"position": 0}), 404, "item_not_found")
    error(api.http.delete(f"{url}/{uuid.uuid4()}", headers=owner.headers), 404, "item_not_found")
    r = api.http.patch(f"{url}/{item['id']}", headers=owner.headers, json={"position": -1})
    assert r.status_code in (400, 422) and r.json()["error_code"], r.text
    r = api.http.post(url, headers=owner.headers, json={"song_id": "not-a-uuid"})
    assert r.status_code in (400, 422) and r.json()["error_code"], r.text


def test_members_owners_and_editors_and_the_last_owner(api: Api, owner: Account, base_env: dict[str, str]) -> None:
    pl = playlist(api, owner)
    editor, second = verified(api, base_env), verified(api, base_env)
    members = f"/api/v1/playlists/{pl['id']}/members"

    # When the owner adds an editor by id and a second owner by username
    r = add_member(api, owner, pl["id"], editor, "editor")
    assert r.status_code == 201, r.text
    r = api.http.post(members, headers=owner.headers, json={"username": second.username, "role": "owner"})
    assert r.status_code == 201, r.text
    assert sorted((m["username"], m["role"]) for m in r.json()["members"]) == sorted(
        [(owner.username, "owner"), (editor.username, "editor"), (second.username, "owner")]
    )
    # Then the private playlist is theirs to see, with their role
    assert api.http.get(f"/api/v1/playlists/{pl['id']}", headers=editor.headers).json()["role"] == "editor"
    mine = api.http.get("/api/v1/playlists", headers=editor.headers, params={"mine": "true"}).json()
    assert [p["id"] for p in mine["items"]] == [pl["id"]]

    # Bad member input
    error(api.http.post(members, headers=owner.headers, json={"username": "nobody-" + uuid.uuid4().hex[:8], "role": "editor"}), 404, "user_not_found")
    error(api.http.post(members, headers=owner.headers, json={"user_id": editor.id, "role": "admin"}), 422, "invalid_role")
    error(api.http.post(members, headers=owner.headers, json={"role": "editor"}), 422, "member_required")

    # A role change answers 200
    assert add_member(api, owner, pl["id"], editor, "owner").status_code == 200
    assert add_member(api, owner, pl["id"], editor, "editor").status_code == 200

    # When the first owner leaves, the second is the last owner and cannot leave nor step down
    assert api.http.delete(f"{members}/{owner.id}", headers=owner.headers).status_code == 204
    error(api.http.delete(f"{members}/{second.id}", headers=second.headers), 409, "last_owner")
    error(add_member(api, second, pl["id"], second, "editor"), 409, "last_owner")
    # The editor leaves on their own, and is then told the private playlist does not exist
    assert api.http.delete(f"{members}/{editor.id}", headers=editor.headers).status_code == 204
    error(api.http.get(f"/api/v1/playlists/{pl['id']}", headers=editor.headers), 404, "playlist_not_found")
    error(api.http.delete(f"{members}/{editor.id}", headers=second.headers), 404, "member_not_found")


def test_the_list_shows_public_playlists_and_the_callers(api: Api, owner: Account, base_env: dict[str, str]) -> None:
    other = verified(api, base_env)
    public, private = playlist(api, other, is_public=True), playlist(api, other)
    mine = playlist(api, owner)
    seen = {p["id"] for p in api.http.get("/api/v1/playlists", headers=owner.headers, params={"limit": 100}).json()["items"]}
    assert {public["id"], mine["id"]} <= seen and private["id"] not in seen
    anonymous = {p["id"] for p in api.http.get("/api/v1/playlists", params={"limit": 100}).json()["items"]}
    assert public["id"] in anonymous and mine["id"] not in anonymous
    error(api.http.get("/api/v1/playlists", params={"mine": "true"}), 401, "not_authenticated")
