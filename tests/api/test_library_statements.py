"""Catalogue reads cost one SQL statement whatever the page holds: the caller's account check, the
count, every entry's artists, genres, credits, songs and album totals come back together."""

from __future__ import annotations

import pytest

from tests.api.library_support import album, artist, genre, song, unique
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import verified
from tests.statement_count import counted_statements

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def catalogue(api: Api, base_env: dict[str, str]) -> tuple[Account, str]:
    """Twelve albums of two songs each, every song credited and in a genre; returns (teacher, tag)."""
    teacher, tag = verified(api, base_env, "teacher"), unique("Counted")
    style = genre(api, teacher)
    players = [artist(api, teacher, genre_ids=[style["id"]]) for _ in range(3)]
    for i in range(12):
        record = album(
            api, teacher, title=f"{tag} album {i:02}", release_year=1990 + i,
            artist_ids=[p["id"] for p in players], genre_ids=[style["id"]],
        )  # fmt: skip
        for track in (1, 2):
            credits = [{"artist_id": p["id"], "role": role} for p, role in zip(players, ("performer", "composer"))]
            song(api, teacher, title=f"{tag} song {i:02}-{track}", album_id=record["id"], track_number=track,
                 credits=credits, genre_ids=[style["id"]])  # fmt: skip
    return teacher, tag


def _statements(api: Api, path: str, params: dict, headers: dict) -> int:
    api.http.get(path, params=params, headers=headers)  # connections made, statements prepared
    with counted_statements() as statements:
        r = api.http.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return len(statements)


@pytest.mark.parametrize("path", ["/api/v1/albums", "/api/v1/songs", "/api/v1/artists", "/api/v1/genres"])
@pytest.mark.parametrize("signed_in", [True, False])
@pytest.mark.parametrize("sort", ["title", "-created_at"])
def test_a_list_page_is_one_statement_whatever_its_size(
    api: Api, catalogue: tuple[Account, str], path: str, signed_in: bool, sort: str
) -> None:
    teacher, tag = catalogue
    headers = teacher.headers if signed_in else {}
    query = {"q": tag} if path in ("/api/v1/albums", "/api/v1/songs") else {}
    small = _statements(api, path, {**query, "sort": sort, "limit": 2}, headers)
    large = _statements(api, path, {**query, "sort": sort, "limit": 24}, headers)
    assert (small, large) == (1, 1)


def test_the_pages_counted_are_full_ones(api: Api, catalogue: tuple[Account, str]) -> None:
    _, tag = catalogue
    albums = api.http.get("/api/v1/albums", params={"q": tag, "limit": 24}).json()
    songs = api.http.get("/api/v1/songs", params={"q": tag, "limit": 24, "sort": "-created_at"}).json()
    assert (albums["total"], len(albums["items"]), songs["total"], len(songs["items"])) == (12, 12, 24, 24)
    assert all(len(a["artists"]) == 3 and a["song_count"] == 2 for a in albums["items"])
    assert all(len(s["credits"]) == 2 and s["album"] and s["genres"] for s in songs["items"])


def test_each_detail_read_is_one_statement(api: Api, catalogue: tuple[Account, str]) -> None:
    teacher, tag = catalogue
    first_album = api.http.get("/api/v1/albums", params={"q": tag, "limit": 1}).json()["items"][0]
    first_song = api.http.get("/api/v1/songs", params={"q": tag, "limit": 1}).json()["items"][0]
    artist_id = first_album["artists"][0]["id"]
    paths = (f"/api/v1/albums/{first_album['id']}", f"/api/v1/songs/{first_song['id']}", f"/api/v1/artists/{artist_id}")
    for path in paths:
        assert _statements(api, path, {}, teacher.headers) == 1, path
