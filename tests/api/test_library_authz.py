"""Who may do what to the catalogue, over HTTP: every action for every kind of caller.

Reads are open to anyone, anonymous included; creating needs a verified teacher or admin;
changing, deleting and giving a song audio need the entry's creator or an admin (verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import media
from tests.api.library_support import album, artist, error_of, genre, song, unique
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, verified
from tests.photos import png_bytes

pytestmark = pytest.mark.api

CALLERS = ("creator", "other_teacher", "student", "anonymous", "unverified", "admin")
KINDS = ("genres", "artists", "albums", "songs")
MAKERS = {"genres": genre, "artists": artist, "albums": album, "songs": song}
CREATE_BODY = {"genres": "name", "artists": "name", "albums": "title", "songs": "title"}

#: What each caller gets for a write, by the rule of api/authz/library.py.
CREATE = {
    "creator": (201, None),
    "other_teacher": (201, None),
    "student": (403, "teacher_or_admin_only"),
    "anonymous": (401, "not_authenticated"),
    "unverified": (403, "email_not_verified"),
    "admin": (201, None),
}
EDIT = {
    "creator": "allowed",
    "other_teacher": (403, "not_creator"),
    "student": (403, "not_creator"),
    "anonymous": (401, "not_authenticated"),
    "unverified": (403, "email_not_verified"),
    "admin": "allowed",
}


@dataclass(frozen=True)
class Callers:
    by_name: dict[str, Account | None]

    def __getitem__(self, name: str) -> Account | None:
        return self.by_name[name]


@pytest.fixture(scope="module")
def callers(api: Api, base_env: dict[str, str]) -> Callers:
    return Callers(
        {
            "creator": verified(api, base_env, "teacher"),
            "other_teacher": verified(api, base_env, "teacher"),
            "student": verified(api, base_env),
            "anonymous": None,
            "unverified": api.register("teacher"),
            "admin": admin(api, base_env),
        }
    )


@pytest.fixture(scope="module")
def short_audio(media_dir: Path) -> Path:
    return media.audio_file(media_dir / "authz-short.wav", seconds=0.3)


def _expect(outcome: object, allowed: int) -> tuple[int, str | None]:
    return (allowed, None) if outcome == "allowed" else outcome  # type: ignore[return-value]


def _status(r) -> tuple[int, str | None]:  # noqa: ANN001
    status, code = error_of(r)
    return (status, code if status >= 400 else None)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("kind", KINDS)
def test_reads_are_open_to_every_caller(api: Api, callers: Callers, kind: str, caller: str) -> None:
    entry = MAKERS[kind](api, callers["creator"])
    who = callers[caller]
    listed = api.http.get(f"/api/v1/{kind}", headers=headers(who), params={"limit": 1})
    assert listed.status_code == 200, listed.text
    got = api.http.get(f"/api/v1/{kind}/{entry['id']}", headers=headers(who))
    assert (got.status_code, got.json()["id"]) == (200, entry["id"])


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("kind", KINDS)
def test_create(api: Api, callers: Callers, kind: str, caller: str) -> None:
    r = api.http.post(f"/api/v1/{kind}", headers=headers(callers[caller]), json={CREATE_BODY[kind]: unique("authz")})
    assert _status(r) == CREATE[caller], r.text


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("kind", KINDS)
def test_update(api: Api, callers: Callers, kind: str, caller: str) -> None:
    entry = MAKERS[kind](api, callers["creator"])
    body = {CREATE_BODY[kind]: unique("renamed")}
    r = api.http.patch(f"/api/v1/{kind}/{entry['id']}", headers=headers(callers[caller]), json=body)
    assert _status(r) == _expect(EDIT[caller], 200), r.text


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("kind", KINDS)
def test_delete(api: Api, callers: Callers, kind: str, caller: str) -> None:
    entry = MAKERS[kind](api, callers["creator"])
    r = api.http.delete(f"/api/v1/{kind}/{entry['id']}", headers=headers(callers[caller]))
    assert _status(r) == _expect(EDIT[caller], 204), r.text
    still = api.http.get(f"/api/v1/{kind}/{entry['id']}").status_code
    assert still == (404 if EDIT[caller] == "allowed" else 200)


@pytest.mark.parametrize("caller", CALLERS)
def test_song_audio(api: Api, callers: Callers, caller: str, short_audio: Path) -> None:
    entry = song(api, callers["creator"])
    files = {"file": (short_audio.name, short_audio.read_bytes(), "audio/wav")}
    r = api.http.put(f"/api/v1/songs/{entry['id']}/audio", headers=headers(callers[caller]), files=files)
    assert _status(r) == _expect(EDIT[caller], 202), r.text


@pytest.mark.parametrize("kind", KINDS)
def test_bodies_say_what_the_caller_may_do(api: Api, callers: Callers, kind: str) -> None:
    entry = MAKERS[kind](api, callers["creator"])
    seen = {
        name: api.http.get(f"/api/v1/{kind}/{entry['id']}", headers=headers(callers[name])).json()["permissions"]
        for name in CALLERS
    }
    everything = ["delete", "update", *(["upload_audio"] if kind == "songs" else []), "view"]
    assert seen == {
        "creator": everything,
        "other_teacher": ["view"],
        "student": ["view"],
        "anonymous": ["view"],
        "unverified": ["view"],
        "admin": everything,
    }


@pytest.mark.parametrize("caller", CALLERS)
def test_album_cover_upload(api: Api, callers: Callers, caller: str) -> None:
    entry = album(api, callers["creator"])
    files = {"file": ("cover.png", png_bytes(64, 64), "image/png")}
    r = api.http.put(f"/api/v1/albums/{entry['id']}/cover", headers=headers(callers[caller]), files=files)
    assert _status(r) == _expect(EDIT[caller], 202), r.text
    status = api.http.get(f"/api/v1/albums/{entry['id']}").json()["cover_status"]
    assert status == ("processing" if EDIT[caller] == "allowed" else None)


@pytest.mark.parametrize("caller", CALLERS)
def test_album_cover_delete(api: Api, callers: Callers, caller: str) -> None:
    entry = album(api, callers["creator"])
    r = api.http.delete(f"/api/v1/albums/{entry['id']}/cover", headers=headers(callers[caller]))
    assert _status(r) == _expect(EDIT[caller], 204), r.text
