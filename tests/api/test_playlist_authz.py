"""Who may do what to a playlist, over HTTP: every kind of caller against every action (a table).

Callers: an owner, an editor, another signed-in user, an anonymous caller, an owner whose e-mail
is not verified, and an admin. Each cell runs on a fresh playlist (private unless the table says
public) holding one song, so a refused action is seen to change nothing the next cell relies on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.api.playlist_support import add_item, add_member, items, playlist, song
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, verified

pytestmark = pytest.mark.api


@dataclass(frozen=True)
class World:
    owner: Account
    editor: Account
    other: Account
    unverified: Account
    admin: Account
    database_url: str


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    return World(
        verified(api, base_env),
        verified(api, base_env),
        verified(api, base_env),
        api.register(),
        admin(api, base_env),
        base_env["DATABASE_URL"],
    )


@dataclass(frozen=True)
class Fresh:
    id: str
    item_id: str
    song_id: str


def _fresh(api: Api, w: World, *, public: bool) -> Fresh:
    pl = playlist(api, w.owner, is_public=public)
    for member, role in ((w.editor, "editor"), (w.unverified, "owner")):
        assert add_member(api, w.owner, pl["id"], member, role).status_code == 201
    s = song(w.database_url)
    assert add_item(api, w.owner, pl["id"], s).status_code == 201
    return Fresh(pl["id"], items(api, w.owner, pl["id"])[0]["id"], s)


Action = Callable[[httpx.Client, dict[str, str], Fresh, World], httpx.Response]
ACTIONS: dict[str, Action] = {
    "view": lambda c, h, p, w: c.get(f"/api/v1/playlists/{p.id}", headers=h),
    "items": lambda c, h, p, w: c.get(f"/api/v1/playlists/{p.id}/items", headers=h),
    "update": lambda c, h, p, w: c.patch(f"/api/v1/playlists/{p.id}", headers=h, json={"title": "New"}),
    "add_item": lambda c, h, p, w: c.post(f"/api/v1/playlists/{p.id}/items", headers=h, json={"song_id": p.song_id}),
    "move_item": lambda c, h, p, w: c.patch(
        f"/api/v1/playlists/{p.id}/items/{p.item_id}", headers=h, json={"position": 0}
    ),
    "remove_item": lambda c, h, p, w: c.delete(f"/api/v1/playlists/{p.id}/items/{p.item_id}", headers=h),
    "add_member": lambda c, h, p, w: c.post(
        f"/api/v1/playlists/{p.id}/members", headers=h, json={"user_id": w.other.id, "role": "editor"}
    ),
    "remove_editor": lambda c, h, p, w: c.delete(f"/api/v1/playlists/{p.id}/members/{w.editor.id}", headers=h),
    "like": lambda c, h, p, w: c.put(f"/api/v1/playlists/{p.id}/like", headers=h),
    "follow": lambda c, h, p, w: c.put(f"/api/v1/playlists/{p.id}/follow", headers=h),
    "delete": lambda c, h, p, w: c.delete(f"/api/v1/playlists/{p.id}", headers=h),
}

OK200, OK201, OK204 = "200", "201", "204"
GONE, LOGIN, VERIFY = "404 playlist_not_found", "401 not_authenticated", "403 email_not_verified"
OWNERS, EDITORS = "403 not_playlist_owner", "403 not_playlist_editor"

#: action: (owner, editor, other, anonymous, unverified owner, admin) on a PRIVATE playlist
PRIVATE = {
    "view": (OK200, OK200, GONE, GONE, OK200, OK200),
    "items": (OK200, OK200, GONE, GONE, OK200, OK200),
    "update": (OK200, OWNERS, GONE, LOGIN, VERIFY, OK200),
    "add_item": (OK201, OK201, GONE, LOGIN, VERIFY, EDITORS),
    "move_item": (OK200, OK200, GONE, LOGIN, VERIFY, EDITORS),
    "remove_item": (OK204, OK204, GONE, LOGIN, VERIFY, EDITORS),
    "add_member": (OK201, OWNERS, GONE, LOGIN, VERIFY, OWNERS),
    "remove_editor": (OK204, OK204, GONE, LOGIN, VERIFY, OWNERS),  # the editor leaves
    "like": (OK200, OK200, GONE, LOGIN, VERIFY, OWNERS),
    "follow": (OK200, OK200, GONE, LOGIN, VERIFY, OWNERS),
    "delete": (OK204, OWNERS, GONE, LOGIN, VERIFY, OK204),
}
#: Where a PUBLIC playlist differs: the other user and the anonymous caller (owner..admin order kept)
PUBLIC = {
    "view": (OK200, OK200, OK200, OK200, OK200, OK200),
    "items": (OK200, OK200, OK200, OK200, OK200, OK200),
    "update": (OK200, OWNERS, OWNERS, LOGIN, VERIFY, OK200),
    "add_item": (OK201, OK201, EDITORS, LOGIN, VERIFY, EDITORS),
    "add_member": (OK201, OWNERS, OWNERS, LOGIN, VERIFY, OWNERS),
    "remove_editor": (OK204, OK204, OWNERS, LOGIN, VERIFY, OWNERS),
    "like": (OK200, OK200, OK200, LOGIN, VERIFY, OK200),
    "follow": (OK200, OK200, OK200, LOGIN, VERIFY, OK200),
    "delete": (OK204, OWNERS, OWNERS, LOGIN, VERIFY, OK204),
}
CALLERS = ("owner", "editor", "other", "anonymous", "unverified", "admin")


def _cells(table: dict[str, tuple[str, ...]], public: bool) -> list[tuple[str, str, str, bool]]:
    return [
        (action, caller, expected, public) for action, row in table.items() for caller, expected in zip(CALLERS, row)
    ]


def _outcome(r: httpx.Response) -> str:
    return str(r.status_code) if r.status_code < 300 else f"{r.status_code} {r.json().get('error_code')}"


@pytest.mark.parametrize(("action", "caller", "expected", "public"), _cells(PRIVATE, False) + _cells(PUBLIC, True))
def test_matrix(api: Api, world: World, action: str, caller: str, expected: str, public: bool) -> None:
    fresh = _fresh(api, world, public=public)
    account = None if caller == "anonymous" else getattr(world, caller)
    r = ACTIONS[action](api.http, headers(account), fresh, world)
    assert _outcome(r) == expected, r.text
    if expected.startswith(("4", "5")):
        # A refusal changed nothing: the owner still sees the playlist, its one item and its editor
        body = api.http.get(f"/api/v1/playlists/{fresh.id}", headers=world.owner.headers).json()
        assert (body["title"], body["song_count"], len(body["members"])) == ("Warm-ups", 1, 3), body
