"""Search across courses, chapters, the catalogue and playlists: who finds what, and how it ranks.

The rows are made with plain SQL, as each domain's API stores them: search reads the tables, not
the domains' code. The recording rules are in ``test_search.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from api.ratelimit import counter
from core.settings import Settings
from tests.api.search_support import found, ids, insert, word
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import error, sql
from tests.e2e.authz_support import admin, verified

pytestmark = pytest.mark.api


@pytest.fixture(autouse=True)
def fresh_search_counter(settings: Settings) -> Iterator[None]:
    client = redis.Redis.from_url(settings.redis.url)
    client.delete(counter("search", "ip", "testclient"))
    yield
    client.close()


@dataclass
class World:
    word: str
    people: dict[str, Account | None]
    #: name → id of everything made
    rows: dict[str, str]


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    w = word()
    people: dict[str, Account | None] = {
        "anonymous": None,
        "student": api.register(),
        "teacher": verified(api, base_env, role="teacher"),
        "other teacher": verified(api, base_env, role="teacher"),
        "member": api.register(),
        "admin": admin(api, base_env),
    }
    teacher = people["teacher"]
    member = people["member"]
    assert teacher is not None and member is not None
    rows: dict[str, str] = {}
    for published in (True, False):
        kind = "published" if published else "draft"
        rows[f"{kind} course"] = insert(
            base_env, "courses", teacher_id=uuid.UUID(teacher.id), title=f"{w} {kind} Violin course",
            description="scales and etudes", instrument="violin", level="beginner", is_published=published,
        )  # fmt: skip
        rows[f"{kind} chapter"] = insert(
            base_env, "chapters", course_id=uuid.UUID(rows[f"{kind} course"]), position=1,
            title=f"{w} {kind} chapter", content="Hold the bow *lightly*",
        )  # fmt: skip
    rows["song"] = insert(base_env, "songs", title=f"{w} Humoresque")
    rows["artist"] = insert(base_env, "artists", name=f"{w} Antonín Dvořák", bio="Czech composer of the New World")
    rows["album"] = insert(base_env, "albums", title=f"{w} Slavonic Dances")
    for public in (True, False):
        kind = "public" if public else "private"
        rows[f"{kind} playlist"] = insert(base_env, "playlists", title=f"{w} {kind} playlist", is_public=public)
    membership = "INSERT INTO playlist_members (playlist_id, user_id, role) VALUES ($1, $2, 'editor')"
    sql(base_env["DATABASE_URL"], membership, uuid.UUID(rows["private playlist"]), uuid.UUID(member.id))
    return World(w, people, rows)


EVERYBODY = {"published course", "published chapter", "song", "artist", "album", "public playlist"}
#: caller → what a search finds of the world
MATRIX = {
    "anonymous": EVERYBODY,
    "student": EVERYBODY,
    "other teacher": EVERYBODY,
    "teacher": EVERYBODY | {"draft course", "draft chapter"},
    "member": EVERYBODY | {"private playlist"},
    "admin": EVERYBODY | {"draft course", "draft chapter"},
}


@pytest.mark.parametrize("caller", sorted(MATRIX))
def test_who_finds_what(api: Api, world: World, caller: str) -> None:
    body = found(api, world.people[caller], world.word, limit=50)

    names = {name for name, row_id in world.rows.items() if row_id in {item["id"] for item in body["items"]}}
    assert names == MATRIX[caller]
    assert body["total"] == len(MATRIX[caller])  # nothing hidden is counted


OWN_SEARCHES = [("/api/v1/search/courses", "course"), ("/api/v1/search/chapters", "chapter")]


@pytest.mark.parametrize(("path", "kind"), OWN_SEARCHES)
@pytest.mark.parametrize("caller", ["anonymous", "teacher"])
def test_courses_and_chapters_have_their_own_search(
    api: Api, world: World, path: str, kind: str, caller: str
) -> None:
    account = world.people[caller]
    r = api.http.get(path, headers=account.headers if account else {}, params={"q": world.word})
    assert r.status_code == 200, r.text

    got = {item["id"] for item in r.json()["items"]}
    expected = {world.rows[f"published {kind}"]} | ({world.rows[f"draft {kind}"]} if caller == "teacher" else set())
    assert got == expected
    assert {item["type"] for item in r.json()["items"]} == {kind}


def test_types_narrow_the_search(api: Api, world: World) -> None:
    body = found(api, None, world.word, types="song,album")
    assert {(item["type"], item["id"]) for item in body["items"]} == {
        ("song", world.rows["song"]),
        ("album", world.rows["album"]),
    }


def test_every_item_has_its_type_title_and_snippet(api: Api, world: World) -> None:
    items = {item["id"]: item for item in found(api, None, f"{world.word} dvorak")["items"]}
    artist = items[world.rows["artist"]]
    assert (artist["type"], artist["title"]) == ("artist", f"{world.word} Antonín Dvořák")
    assert "<mark>Dvořák</mark>" in artist["snippet"]
    assert set(items) == {world.rows["artist"]}  # both words must match


def test_a_prefix_finds_the_catalogue_while_typing(api: Api, world: World) -> None:
    assert ids(api, None, f"{world.word} humo") == [world.rows["song"]]
    assert ids(api, None, f"{world.word} slavon") == [world.rows["album"]]


def test_a_title_match_outranks_a_description_match_across_types(
    api: Api, base_env: dict[str, str], world: World
) -> None:
    w = word()
    teacher = world.people["teacher"]
    assert teacher is not None
    course = insert(
        base_env, "courses", teacher_id=uuid.UUID(teacher.id), title="Phrasing", description=f"about {w}",
        is_published=True,
    )  # fmt: skip
    song = insert(base_env, "songs", title=f"{w} Serenade")

    assert ids(api, None, w) == [song, course]


def test_a_tie_in_score_lists_courses_then_chapters_songs_artists_albums_playlists_recordings(
    api: Api, base_env: dict[str, str], world: World
) -> None:
    # Given an artist, a song and a course named by the same single word (the same rank: title only)
    w = word()
    teacher = world.people["teacher"]
    assert teacher is not None
    artist = insert(base_env, "artists", name=w)
    song = insert(base_env, "songs", title=w)
    course = insert(base_env, "courses", teacher_id=uuid.UUID(teacher.id), title=w, is_published=True)

    body = found(api, None, w)

    # Then they tie and are listed in the order of the sources, whatever their names' alphabet
    assert len({item["score"] for item in body["items"]}) == 1
    assert [item["id"] for item in body["items"]] == [course, song, artist]


def test_an_unknown_type_is_refused(api: Api) -> None:
    error(api.http.get("/api/v1/search", params={"q": "bach", "types": "course,lesson"}), 422, "unknown_search_type")
