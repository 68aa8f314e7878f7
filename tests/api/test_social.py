"""Likes and follows: idempotent, counted in the same transaction, listed newest first; artist news."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from api.social.news import announce_new_work
from core.settings import Settings
from storage.db import create_engine, create_session_factory
from tests.api.mail import InlineMailbox
from tests.api.playlist_support import album, artist, error, playlist, song
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import notifications, verified
from tests.inline_worker import run_queued
from workers import artist_news

pytestmark = pytest.mark.api


@pytest.fixture
def fan(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture
def db(base_env: dict[str, str]) -> str:
    return base_env["DATABASE_URL"]


def test_likes_are_idempotent_and_counted(api: Api, fan: Account, base_env: dict[str, str], db: str) -> None:
    other = verified(api, base_env)
    s, a, pl = song(db), album(db), playlist(api, other, is_public=True)
    for path, target, kind in (("songs", s, "song"), ("albums", a, "album"), ("playlists", pl["id"], "playlist")):
        url = f"/api/v1/{path}/{target}/like"
        # When two users like it, one of them twice
        for who in (fan, fan, other):
            r = api.http.put(url, headers=who.headers)
            assert r.status_code == 200, r.text
        # Then the count is two
        assert r.json() == {"kind": kind, "id": target, "liked": True, "like_count": 2}
        # When one unlikes twice, the count is one
        api.http.delete(url, headers=fan.headers)
        r = api.http.delete(url, headers=fan.headers)
        assert r.json() == {"kind": kind, "id": target, "liked": False, "like_count": 1}, r.text
        api.http.put(url, headers=fan.headers)
    # The playlist's body shows the count and the caller's like
    body = api.http.get(f"/api/v1/playlists/{pl['id']}", headers=fan.headers).json()
    assert (body["like_count"], body["liked"], body["following"]) == (2, True, False)
    # And the fan's likes list them newest first, by kind too
    r = api.http.get("/api/v1/users/me/likes", headers=fan.headers)
    assert [(i["kind"], i["id"], i["count"]) for i in r.json()["items"]] == [
        ("playlist", pl["id"], 2),
        ("album", a, 2),
        ("song", s, 2),
    ]
    r = api.http.get("/api/v1/users/me/likes", headers=fan.headers, params={"kind": "album"})
    assert (r.json()["total"], [i["id"] for i in r.json()["items"]]) == (1, [a])


def test_follows_are_idempotent_and_counted(api: Api, fan: Account, base_env: dict[str, str], db: str) -> None:
    idol, ar = verified(api, base_env), artist(db)
    pl = playlist(api, idol, is_public=True)
    for path, target in (("artists", ar), ("users", idol.id), ("playlists", pl["id"])):
        url = f"/api/v1/{path}/{target}/follow"
        assert api.http.put(url, headers=fan.headers).status_code == 200
        r = api.http.put(url, headers=fan.headers)
        assert (r.json()["following"], r.json()["follower_count"]) == (True, 1), r.text
    r = api.http.get("/api/v1/users/me/following", headers=fan.headers)
    assert [(i["kind"], i["title"]) for i in r.json()["items"]] == [
        ("playlist", pl["title"]),
        ("user", idol.username),
        ("artist", "Clara"),
    ]
    # The followed user's profile and own account show the count
    assert api.http.get(f"/api/v1/users/{idol.id}", headers=fan.headers).json()["follower_count"] == 1
    assert api.http.get("/api/v1/users/me", headers=idol.headers).json()["follower_count"] == 1
    r = api.http.delete(f"/api/v1/users/{idol.id}/follow", headers=fan.headers)
    assert (r.json()["following"], r.json()["follower_count"]) == (False, 0)
    assert api.http.get("/api/v1/users/me/following", headers=fan.headers, params={"kind": "user"}).json()["total"] == 0


def test_bad_targets_are_4xx(api: Api, fan: Account, base_env: dict[str, str]) -> None:
    for path, verb, code in (
        ("songs", "like", "song_not_found"),
        ("albums", "like", "album_not_found"),
        ("artists", "follow", "artist_not_found"),
        ("users", "follow", "user_not_found"),
        ("playlists", "like", "playlist_not_found"),
        ("playlists", "follow", "playlist_not_found"),
    ):
        error(api.http.put(f"/api/v1/{path}/{uuid.uuid4()}/{verb}", headers=fan.headers), 404, code)
    error(api.http.put(f"/api/v1/users/{fan.id}/follow", headers=fan.headers), 422, "cannot_follow_self")
    private = playlist(api, verified(api, base_env))
    error(api.http.put(f"/api/v1/playlists/{private['id']}/like", headers=fan.headers), 404, "playlist_not_found")
    r = api.http.get("/api/v1/users/me/likes", headers=fan.headers, params={"kind": "artist"})
    assert r.status_code in (400, 422) and r.json()["error_code"], r.text
    error(api.http.get("/api/v1/users/me/likes"), 401, "not_authenticated")


def test_followers_of_an_artist_hear_of_a_new_song_once(
    api: Api, base_env: dict[str, str], settings: Settings, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an artist with three followers (one follows a second artist of the song too),
    # notified two at a time
    monkeypatch.setattr(artist_news, "BATCH_SIZE", 2)
    a1, a2 = artist(db, "Ada"), artist(db, "Bo")
    fans = [verified(api, base_env) for _ in range(3)]
    for who in fans:
        assert api.http.put(f"/api/v1/artists/{a1}/follow", headers=who.headers).status_code == 200
    api.http.put(f"/api/v1/artists/{a2}/follow", headers=fans[0].headers)
    s = song(db, "Nocturne")
    # When the catalogue announces the new song (in its create transaction) and the task runs twice
    asyncio.run(_announce(settings, uuid.UUID(s), [uuid.UUID(a1), uuid.UUID(a2)]))
    run_queued(settings)
    # Then each follower has exactly one notification about it
    for who in fans:
        [notice] = notifications(api, who, "artist.new_song")
        assert (notice["title"], notice["data"]["song_id"]) == ("New song: Nocturne", s)


async def _announce(
    settings: Settings, song_id: uuid.UUID, artist_ids: list[uuid.UUID], title: str = "Nocturne"
) -> None:
    """What the catalogue's create service does, twice (a retried request): the task dedupes."""
    engine = create_engine(settings.database, pool_size=1)
    async with create_session_factory(engine).begin() as session:
        announce_new_work(session, kind="song", item_id=song_id, title=title, artist_ids=artist_ids)
        announce_new_work(session, kind="song", item_id=song_id, title=title, artist_ids=artist_ids[:1])
    await engine.dispose()


def test_creating_a_song_or_an_album_tells_the_artists_followers(
    api: Api, base_env: dict[str, str], settings: Settings
) -> None:
    # Given a teacher's artist with a follower, and a stranger with none
    teacher, fan = verified(api, base_env, "teacher"), verified(api, base_env)
    r = api.http.post("/api/v1/artists", headers=teacher.headers, json={"name": "Dora"})
    assert r.status_code == 201, r.text
    artist_id = r.json()["id"]
    assert api.http.put(f"/api/v1/artists/{artist_id}/follow", headers=fan.headers).json()["follower_count"] == 1
    # When the teacher adds a song credited to the artist, and an album by them
    credits = [{"artist_id": artist_id, "role": "composer"}]
    r = api.http.post("/api/v1/songs", headers=teacher.headers, json={"title": "Reverie", "credits": credits})
    assert r.status_code == 201, r.text
    song_id = r.json()["id"]
    r = api.http.post("/api/v1/albums", headers=teacher.headers, json={"title": "Dreams", "artist_ids": [artist_id]})
    assert r.status_code == 201, r.text
    run_queued(settings)
    # Then the follower hears of each once; the teacher (no follower) of neither
    [song_news] = notifications(api, fan, "artist.new_song")
    [album_news] = notifications(api, fan, "artist.new_album")
    assert (song_news["title"], song_news["data"]["song_id"]) == ("New song: Reverie", song_id)
    assert (album_news["title"], album_news["data"]["album_id"]) == ("New album: Dreams", r.json()["id"])
    assert notifications(api, teacher, "artist.new_song") == []


def test_a_private_playlist_leaves_the_likes_of_someone_no_longer_a_member(
    api: Api, fan: Account, base_env: dict[str, str]
) -> None:
    owner = verified(api, base_env)
    pl = playlist(api, owner, is_public=False)
    members = f"/api/v1/playlists/{pl['id']}/members"
    r = api.http.post(members, headers=owner.headers, json={"username": fan.username, "role": "editor"})
    assert r.status_code in (200, 201), r.text
    for action in ("like", "follow"):
        assert api.http.put(f"/api/v1/playlists/{pl['id']}/{action}", headers=fan.headers).status_code == 200
    listed = lambda path: [i["id"] for i in api.http.get(path, headers=fan.headers).json()["items"]]  # noqa: E731
    assert pl["id"] in listed("/api/v1/users/me/likes") and pl["id"] in listed("/api/v1/users/me/following")
    # When the owner removes the fan, the private playlist's title is no longer theirs to read
    assert api.http.delete(f"{members}/{fan.id}", headers=owner.headers).status_code in (200, 204)
    assert pl["id"] not in listed("/api/v1/users/me/likes")
    assert pl["id"] not in listed("/api/v1/users/me/following")


def test_artist_news_follows_each_followers_preferences(
    api: Api, base_env: dict[str, str], settings: Settings, db: str, mailbox: InlineMailbox
) -> None:
    # Given two followers: one with the defaults, one who wants artist news by mail and not in the app
    a = artist(db, "Clara")
    plain, by_mail = verified(api, base_env), verified(api, base_env)
    r = api.http.put(
        "/api/v1/users/me/notification-settings",
        headers=by_mail.headers,
        json={"settings": {"artist.new_song": {"in_app": False, "email": True}}},
    )
    assert r.status_code == 200, r.text
    for who in (plain, by_mail):
        assert api.http.put(f"/api/v1/artists/{a}/follow", headers=who.headers).status_code == 200
    # When a new song of the artist is announced and the task runs
    s = song(db, "Romance")
    asyncio.run(_announce(settings, uuid.UUID(s), [uuid.UUID(a)], "Romance"))
    run_queued(settings)
    # Then the first hears of it in the app only, the second by mail only
    assert [n["title"] for n in notifications(api, plain, "artist.new_song")] == ["New song: Romance"]
    assert notifications(api, by_mail, "artist.new_song") == []
    assert [m for m in mailbox.to(plain.email) if "Romance" in str(m["Subject"])] == []
    assert len([m for m in mailbox.to(by_mail.email) if "Romance" in str(m["Subject"])]) == 1
