"""GET /api/v1/search on recordings: ranking, snippets, accents, prefixes, visibility, bad input.

Every test titles what it makes with words of its own (``word()``) and searches for them, so the
rows other tests leave in the tier's database never show up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from litestar.testing import TestClient

from api.app import create_app
from api.ratelimit import counter
from core.settings import Settings
from tests.api.search_support import found, ids, word
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import error, sql
from tests.e2e.authz_support import admin, share, unprocessable_recording, verified

pytestmark = pytest.mark.api

#: The in-process client's address, as the search counter sees it.
CLIENT_IP = "testclient"


@pytest.fixture(autouse=True)
def fresh_search_counter(settings: Settings) -> Iterator[None]:
    """Every test starts with an empty per-address search window (all tests share one address)."""
    client = redis.Redis.from_url(settings.redis.url)
    client.delete(counter("search", "ip", CLIENT_IP))
    yield
    client.close()


def recording(api: Api, base_env: dict[str, str], owner: Account, title: str, **columns: object) -> str:
    """A recording of ``owner`` titled ``title``; other columns set as an operator would."""
    recording_id = unprocessable_recording(api, owner, title=title)
    for name, value in columns.items():
        statement = f"UPDATE recordings SET {name} = $2 WHERE id = $1::uuid"  # noqa: S608 - the test's own names
        sql(base_env["DATABASE_URL"], statement, recording_id, value)
    return recording_id


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def test_a_title_match_ranks_above_a_description_match(api: Api, base_env: dict[str, str], owner: Account) -> None:
    w = word()
    in_description = recording(api, base_env, owner, "Etude", description=f"slow practice of {w}")
    in_title = recording(api, base_env, owner, f"{w} in G minor")
    in_composer = recording(api, base_env, owner, "Prelude", composer=w)

    body = found(api, owner, w)

    assert [item["id"] for item in body["items"]] == [in_title, in_composer, in_description]
    assert body["total"] == 3
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert {item["type"] for item in body["items"]} == {"recording"}
    assert body["items"][0]["title"] == f"{w} in G minor"


def test_the_snippet_highlights_the_match_in_escaped_text(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    w = word()
    recording(api, base_env, owner, "Sonata", description=f"bars 12-16 <i>rubato</i> & then {w} at the coda")

    [item] = found(api, owner, w)["items"]

    assert f"<mark>{w}</mark>" in item["snippet"]
    assert "rubato&lt;/i&gt; &amp; then" in item["snippet"]
    assert "<i>" not in item["snippet"] and "</i>" not in item["snippet"]


def test_accents_are_ignored_in_the_text_and_in_the_question(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    w = word()
    accented = recording(api, base_env, owner, f"Dvořák Serenade {w}")
    plain = recording(api, base_env, owner, f"Dvorak Humoresque {w}")

    assert set(ids(api, owner, f"dvorak {w}")) == {accented, plain}
    assert set(ids(api, owner, f"{w} DVOŘÁK")) == {accented, plain}
    [item] = found(api, owner, f"serenade {w} dvorak")["items"]
    assert "<mark>Dvořák</mark>" in item["snippet"]  # highlighted in the original spelling


def test_the_last_word_matches_as_a_prefix_while_it_is_typed(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    w = word()
    humoresque = recording(api, base_env, owner, f"Humoresque {w}")

    assert ids(api, owner, f"{w} humor") == [humoresque]
    assert humoresque in ids(api, owner, w[:8], limit=50)  # type-ahead of a single word
    assert ids(api, owner, f"{w} humor ") == []  # a finished word is a whole word
    assert ids(api, owner, f"humor {w}") == []  # only the last word is a prefix
    assert ids(api, owner, f'{w} "humor"') == []  # nor a quoted one
    assert ids(api, owner, f"{w} -humor") == [humoresque]  # a negated word is whole, not a prefix
    assert ids(api, owner, f"{w} -humoresque") == []


def test_websearch_syntax_phrases_or_and_not(api: Api, base_env: dict[str, str], owner: Account) -> None:
    w = word()
    nocturne = recording(api, base_env, owner, f"{w} Nocturne in E flat")
    waltz = recording(api, base_env, owner, f"{w} Waltz in E minor")

    assert ids(api, owner, f'{w} "e flat" ') == [nocturne]
    assert set(ids(api, owner, f"{w} nocturne or waltz ")) == {nocturne, waltz}
    assert set(ids(api, owner, f"{w} nocturne or walt")) == {nocturne, waltz}  # "or" before a prefix
    assert ids(api, owner, f"{w} -nocturne ") == [waltz]


def test_a_title_changed_in_sql_is_found_by_its_new_words(api: Api, base_env: dict[str, str], owner: Account) -> None:
    old, new = word(), word()
    recording_id = recording(api, base_env, owner, f"Invention {old}")
    assert ids(api, owner, old) == [recording_id]

    # When the title changes with plain SQL (no application code runs)
    statement = "UPDATE recordings SET title = $2 WHERE id = $1::uuid"
    sql(base_env["DATABASE_URL"], statement, recording_id, f"Sinfonia {new}")

    # Then the generated search_vector follows it
    assert ids(api, owner, new) == [recording_id]
    assert ids(api, owner, old) == []


# -- who sees which recording ----------------------------------------------------------------------

CALLERS = ("owner", "shared", "other", "anonymous", "admin")
#: recording kind → the callers that find it. Admins get no more than any signed-in caller:
#: search shows what is one's own, shared with one, or public; anonymous callers see no recording.
RECORDING_MATRIX = {
    "private": {"owner"},
    "shared": {"owner", "shared"},
    "public": {"owner", "shared", "other", "admin"},
}


@pytest.fixture(scope="module")
def people(api: Api, base_env: dict[str, str]) -> dict[str, Account | None]:
    return {
        "owner": verified(api, base_env),
        "shared": api.register("teacher"),
        "other": api.register(),
        "anonymous": None,
        "admin": admin(api, base_env),
    }


@pytest.mark.parametrize("kind", sorted(RECORDING_MATRIX))
@pytest.mark.parametrize("caller", CALLERS)
def test_who_finds_a_recording(
    api: Api, base_env: dict[str, str], people: dict[str, Account | None], kind: str, caller: str
) -> None:
    owner, friend = people["owner"], people["shared"]
    assert owner is not None and friend is not None
    w = word()
    recording_id = recording(api, base_env, owner, f"Partita {w}", is_public=kind == "public")
    if kind in ("shared", "public"):
        assert share(api, owner, recording_id, friend).status_code == 201

    body = found(api, people[caller], w)

    visible = caller in RECORDING_MATRIX[kind]
    assert [item["id"] for item in body["items"]] == ([recording_id] if visible else [])
    assert body["total"] == (1 if visible else 0)  # never counted where not shown


def test_deleted_recordings_and_song_audio_are_not_found(api: Api, base_env: dict[str, str], owner: Account) -> None:
    w = word()
    recording(api, base_env, owner, f"Chaconne {w}", status="deleted", is_public=True)
    recording(api, base_env, owner, f"Gigue {w}", purpose="song_audio")  # found as its song instead
    kept = recording(api, base_env, owner, f"Sarabande {w}")
    assert ids(api, owner, w) == [kept]


def test_a_revoked_session_cannot_search(api: Api, base_env: dict[str, str], owner: Account) -> None:
    sql(base_env["DATABASE_URL"], "UPDATE users SET is_active = false WHERE id = $1::uuid", owner.id)
    r = api.http.get("/api/v1/search", headers=owner.headers, params={"q": "anything"})
    error(r, 401, "account_inactive")


# -- bad input ---------------------------------------------------------------------------------------

BAD = [
    ({}, "search_query_empty"),
    ({"q": ""}, "search_query_empty"),
    ({"q": "   "}, "search_query_empty"),
    ({"q": "x" * 201}, "search_query_too_long"),
    ({"q": "bach\x00"}, "search_query_invalid"),
    ({"q": "bach", "types": "recording,sonnet"}, "unknown_search_type"),
    ({"q": "bach", "limit": "0"}, "validation_error"),
    ({"q": "bach", "limit": "51"}, "validation_error"),
    ({"q": "bach", "limit": "ten"}, "validation_error"),
    ({"q": "bach", "offset": "-1"}, "validation_error"),
]


@pytest.mark.parametrize(("params", "code"), BAD, ids=[code + str(i) for i, (_, code) in enumerate(BAD)])
def test_bad_input_is_a_422_with_its_error_code(api: Api, params: dict[str, str], code: str) -> None:
    error(api.http.get("/api/v1/search", params=params), 422, code)


def test_types_limit_and_offset_page_through(api: Api, base_env: dict[str, str], owner: Account) -> None:
    w = word()
    made = {recording(api, base_env, owner, f"Scale {w} {i}") for i in range(3)}

    first = found(api, owner, w, limit=2, types="recording")
    rest = found(api, owner, w, limit=2, offset=2, types=" recording , recording")

    assert (first["total"], rest["total"]) == (3, 3)
    assert {item["id"] for item in first["items"] + rest["items"]} == made
    assert len(first["items"]) == 2


def test_punctuation_only_finds_nothing_without_an_error(api: Api, owner: Account) -> None:
    for q in ("!!!", "&|:*()", "'", '"', "-", "<->", "!", "x⒁", "½", "\\"):
        assert found(api, owner, q) == {"items": [], "total": 0}
    # A word with a trailing backslash is the word (other tests' content may match it: no count)
    r = api.http.get("/api/v1/search", headers=owner.headers, params={"q": "a\\"})
    assert r.status_code == 200, r.text


def test_searches_are_rate_limited_per_address(base_env: dict[str, str]) -> None:
    settings = Settings.from_env({**base_env, "RATE_LIMIT_SEARCH": "3/60"})
    with TestClient(create_app(settings), base_url="http://cadenza.test") as client:
        answers = [client.get("/api/v1/search", params={"q": word()}) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    body = error(answers[-1], 429, "rate_limited")
    assert int(answers[-1].headers["retry-after"]) >= 1 and body["detail"]
