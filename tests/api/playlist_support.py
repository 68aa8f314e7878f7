"""Helpers of the playlist and social tests: playlists through the API, catalogue rows in the database."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql


def song(database_url: str, title: str = "Etude", duration: float | None = 60.0) -> str:
    """A catalogue song, written as the catalogue would (its own API is tested on its own)."""
    song_id = uuid.uuid4()
    sql(database_url, "INSERT INTO songs (id, title, duration_seconds) VALUES ($1, $2, $3)", song_id, title, duration)
    return str(song_id)


def artist(database_url: str, name: str = "Clara") -> str:
    artist_id = uuid.uuid4()
    sql(database_url, "INSERT INTO artists (id, name) VALUES ($1, $2)", artist_id, name)
    return str(artist_id)


def album(database_url: str, title: str = "Sonatas") -> str:
    album_id = uuid.uuid4()
    sql(database_url, "INSERT INTO albums (id, title) VALUES ($1, $2)", album_id, title)
    return str(album_id)


def playlist(api: Api, owner: Account, *, title: str = "Warm-ups", is_public: bool = False) -> dict:
    r = api.http.post("/api/v1/playlists", headers=owner.headers, json={"title": title, "is_public": is_public})
    assert r.status_code == 201, r.text
    return r.json()


def add_item(api: Api, caller: Account, playlist_id: str, song_id: str, position: int | None = None) -> httpx.Response:
    body: dict[str, object] = {"song_id": song_id}
    if position is not None:
        body["position"] = position
    return api.http.post(f"/api/v1/playlists/{playlist_id}/items", headers=caller.headers, json=body)


def add_member(api: Api, owner: Account, playlist_id: str, member: Account, role: str) -> httpx.Response:
    return api.http.post(
        f"/api/v1/playlists/{playlist_id}/members", headers=owner.headers, json={"user_id": member.id, "role": role}
    )


def items(api: Api, caller: Account | None, playlist_id: str, **params: object) -> list[dict]:
    headers = caller.headers if caller is not None else {}
    r = api.http.get(f"/api/v1/playlists/{playlist_id}/items", headers=headers, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json().get("error_code")) == (status, code), r.text
