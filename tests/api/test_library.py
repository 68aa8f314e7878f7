"""The catalogue (DESIGN §11): genres, artists, albums, songs; their links, lists, filters and sorts."""

from __future__ import annotations

import pytest

from tests.api.library_support import album, artist, error_of, genre, song, unique
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import unprocessable_recording, verified

pytestmark = pytest.mark.api

NOBODY = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


def test_an_album_carries_its_artists_genres_and_songs_and_an_artist_its_albums_and_songs(
    api: Api, teacher: Account
) -> None:
    jazz = genre(api, teacher)
    first, second = artist(api, teacher, genre_ids=[jazz["id"]]), artist(api, teacher)
    # Another album with a song and an artist: nothing of theirs may show below
    decoy = artist(api, teacher)
    song(api, teacher, album_id=album(api, teacher, artist_ids=[decoy["id"]])["id"],
         credits=[{"artist_id": decoy["id"], "role": "performer"}])  # fmt: skip
    record = album(api, teacher, release_year=1959, artist_ids=[second["id"], first["id"]], genre_ids=[jazz["id"]])
    assert [a["id"] for a in record["artists"]] == [second["id"], first["id"]]  # billing order kept
    assert record["genres"] == [{"id": jazz["id"], "name": jazz["name"]}]
    assert (record["song_count"], record["total_duration_seconds"], record["songs"]) == (0, 0.0, [])
    composer = [{"artist_id": first["id"], "role": "composer"}]
    two = song(api, teacher, album_id=record["id"], track_number=2, credits=composer)
    one = song(
        api, teacher, album_id=record["id"], track_number=1,
        credits=[{"artist_id": first["id"], "role": "performer"}, {"artist_id": second["id"], "role": "arranger"}],
    )  # fmt: skip
    assert one["album"] == {"id": record["id"], "title": record["title"], "release_year": 1959}
    credited = [(c["name"], c["role"]) for c in one["credits"]]
    assert credited == [(first["name"], "performer"), (second["name"], "arranger")]
    assert (one["duration_seconds"], one["audio_url"], one["audio_status"]) == (None, None, None)

    # The album's detail lists its songs in track order; the list counts them
    detail = api.http.get(f"/api/v1/albums/{record['id']}").json()
    assert [s["id"] for s in detail["songs"]] == [one["id"], two["id"]]
    assert detail["song_count"] == 2
    # The artist: its album and the songs it is credited on, whatever the role
    seen = api.http.get(f"/api/v1/artists/{first['id']}").json()
    assert (seen["album_count"], seen["song_count"]) == (1, 2)
    assert [a["id"] for a in seen["albums"]] == [record["id"]]
    assert {s["id"] for s in seen["songs"]} == {one["id"], two["id"]}
    assert seen["genres"] == [{"id": jazz["id"], "name": jazz["name"]}]


def test_a_patch_changes_only_what_it_names_and_null_clears(api: Api, teacher: Account) -> None:
    record = album(api, teacher, release_year=2001)
    track = song(api, teacher, album_id=record["id"], track_number=3)
    r = api.http.patch(f"/api/v1/songs/{track['id']}", headers=teacher.headers, json={"track_number": 4})
    assert (r.status_code, r.json()["track_number"], r.json()["album"]["id"]) == (200, 4, record["id"])
    r = api.http.patch(f"/api/v1/songs/{track['id']}", headers=teacher.headers, json={"album_id": None})
    assert (r.status_code, r.json()["album"], r.json()["title"]) == (200, None, track["title"])
    r = api.http.patch(f"/api/v1/albums/{record['id']}", headers=teacher.headers, json={"release_year": None})
    assert (r.status_code, r.json()["release_year"], r.json()["title"]) == (200, None, record["title"])


def test_deleting_an_album_keeps_its_songs_and_deleting_a_song_updates_the_album(api: Api, teacher: Account) -> None:
    record = album(api, teacher)
    kept, gone = song(api, teacher, album_id=record["id"]), song(api, teacher, album_id=record["id"])
    assert api.http.delete(f"/api/v1/songs/{gone['id']}", headers=teacher.headers).status_code == 204
    assert api.http.get(f"/api/v1/albums/{record['id']}").json()["song_count"] == 1
    assert error_of(api.http.get(f"/api/v1/songs/{gone['id']}")) == (404, "song_not_found")
    assert api.http.delete(f"/api/v1/albums/{record['id']}", headers=teacher.headers).status_code == 204
    assert api.http.get(f"/api/v1/songs/{kept['id']}").json()["album"] is None


def test_genre_names_are_unique_in_any_case(api: Api, teacher: Account) -> None:
    name = unique("Bossa")
    genre(api, teacher, name)
    r = api.http.post("/api/v1/genres", headers=teacher.headers, json={"name": name.upper()})
    assert error_of(r) == (409, "genre_exists")


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/api/v1/artists", {"name": "x", "genre_ids": ["00000000-0000-0000-0000-000000000001"]}, "unknown_genre"),
        ("/api/v1/albums", {"title": "x", "artist_ids": ["00000000-0000-0000-0000-000000000001"]}, "unknown_artist"),
        ("/api/v1/albums", {"title": "x", "release_year": 999}, "validation_error"),
        ("/api/v1/albums", {"title": "x", "release_year": 2101}, "validation_error"),
        ("/api/v1/songs", {"album_id": "00000000-0000-0000-0000-000000000001"}, "unknown_album"),
        ("/api/v1/songs", {"credits": [{"artist_id": NOBODY, "role": "composer"}]}, "unknown_artist"),
        ("/api/v1/songs", {"credits": [{"artist_id": NOBODY, "role": "drummer"}]}, "validation_error"),
        ("/api/v1/songs", {"track_number": 0}, "validation_error"),
        ("/api/v1/songs", {"duration_seconds": 12}, "validation_error"),
        ("/api/v1/genres", {"name": ""}, "validation_error"),
        ("/api/v1/artists", {"name": "a\x00b"}, "validation_error"),
    ],
)  # fmt: skip
def test_bad_input_is_a_4xx_with_an_error_code(api: Api, teacher: Account, path: str, body: dict, code: str) -> None:
    assert error_of(api.http.post(path, headers=teacher.headers, json=body)) == (422, code)


def test_unknown_entries_are_404_with_their_kind(api: Api, teacher: Account) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    for kind in ("genre", "artist", "album", "song"):
        assert error_of(api.http.get(f"/api/v1/{kind}s/{missing}")) == (404, f"{kind}_not_found")
        r = api.http.patch(f"/api/v1/{kind}s/{missing}", headers=teacher.headers, json={})
        assert error_of(r) == (404, f"{kind}_not_found")


def test_lists_filter_by_text_genre_artist_album_and_year(api: Api, teacher: Account) -> None:
    tag = unique("Filter")
    folk, rock = genre(api, teacher), genre(api, teacher)
    singer = artist(api, teacher, name=f"{tag} singer", genre_ids=[folk["id"]])
    old = album(api, teacher, title=f"{tag} old", release_year=1970, artist_ids=[singer["id"]], genre_ids=[folk["id"]])
    new = album(api, teacher, title=f"{tag} new", release_year=2020, genre_ids=[rock["id"]])
    a = song(api, teacher, title=f"{tag} a", album_id=old["id"], genre_ids=[folk["id"]],
             credits=[{"artist_id": singer["id"], "role": "performer"}])  # fmt: skip
    b = song(api, teacher, title=f"{tag} b", album_id=new["id"], genre_ids=[rock["id"]])

    def ids(kind: str, **params: object) -> list[str]:
        r = api.http.get(f"/api/v1/{kind}", params={"q": tag, **params})
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return [item["id"] for item in r.json()["items"]]

    assert ids("songs") == [a["id"], b["id"]]
    assert ids("songs", genre=folk["name"].upper()) == [a["id"]]
    assert ids("songs", genre=rock["id"]) == [b["id"]]
    assert ids("songs", artist_id=singer["id"]) == [a["id"]]
    assert ids("songs", album_id=new["id"]) == [b["id"]]
    assert ids("songs", year=1970) == [a["id"]]
    assert ids("albums", year=2020) == [new["id"]]
    assert ids("albums", artist_id=singer["id"]) == [old["id"]]
    assert ids("albums", genre=folk["id"]) == [old["id"]]
    assert ids("artists", genre=folk["name"]) == [singer["id"]]
    assert ids("songs", q=f"{tag} A") == [a["id"]]  # any case; the text is no pattern
    assert ids("songs", q="%") == []


def test_lists_sort_and_refuse_an_unknown_sort(api: Api, teacher: Account) -> None:
    tag = unique("Sort")
    b, a = album(api, teacher, title=f"{tag} b"), album(api, teacher, title=f"{tag} A")
    for sort, expected in (("title", [a, b]), ("-created_at", [a, b]), ("-likes", [a, b])):
        r = api.http.get("/api/v1/albums", params={"q": tag, "sort": sort})
        assert [x["id"] for x in r.json()["items"]] == [x["id"] for x in expected], sort
    for path, sort in (("/api/v1/albums", "popularity"), ("/api/v1/artists", "duration"), ("/api/v1/genres", "-likes")):
        assert error_of(api.http.get(path, params={"sort": sort})) == (422, "validation_error")
    r = api.http.get("/api/v1/albums", params={"q": tag, "limit": 1, "offset": 1})
    assert (r.json()["total"], [x["id"] for x in r.json()["items"]]) == (2, [b["id"]])


def test_a_recording_names_the_song_it_practises(api: Api, teacher: Account, base_env: dict[str, str]) -> None:
    student = verified(api, base_env)
    piece = song(api, teacher)
    recording_id = unprocessable_recording(api, student)
    path = f"/api/v1/recordings/{recording_id}"
    r = api.http.patch(path, headers=student.headers, json={"piece_song_id": piece["id"]})
    assert (r.status_code, r.json()["piece_song"]) == (200, {"id": piece["id"], "title": piece["title"]})
    assert api.http.get(path, headers=student.headers).json()["piece_song"]["id"] == piece["id"]
    listed = api.http.get("/api/v1/recordings", headers=student.headers).json()["items"]
    shown = [x["piece_song"] for x in listed if x["id"] == recording_id]
    assert shown == [{"id": piece["id"], "title": piece["title"]}]
    # An unknown song is refused; a rename shows; null forgets it; a deleted song leaves it unset
    r = api.http.patch(path, headers=student.headers, json={"piece_song_id": "00000000-0000-0000-0000-000000000001"})
    assert error_of(r) == (422, "unknown_song")
    api.http.patch(f"/api/v1/songs/{piece['id']}", headers=teacher.headers, json={"title": "Renamed"})
    assert api.http.get(path, headers=student.headers).json()["piece_song"]["title"] == "Renamed"
    r = api.http.patch(path, headers=student.headers, json={"piece_song_id": None})
    assert (r.status_code, r.json()["piece_song"]) == (200, None)
    api.http.patch(path, headers=student.headers, json={"piece_song_id": piece["id"]})
    assert api.http.delete(f"/api/v1/songs/{piece['id']}", headers=teacher.headers).status_code == 204
    assert api.http.get(path, headers=student.headers).json()["piece_song"] is None
