"""``PUT /api/v1/recordings/{id}/file``: a new file for a recording; the old media stays served
until the new media is ready, and stays if the new file fails."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests import media
from tests.api.conftest import InlineApi
from tests.e2e.api import Account
from tests.e2e.authz_support import NOT_MEDIA, admin, headers, link, share, verified
from tests.inline_worker import run_queued

pytestmark = pytest.mark.api


def _put(api: InlineApi, caller: Account | None, recording_id: str, **kwargs: object) -> httpx.Response:
    kwargs.setdefault("files", {"file": ("take2.mp3", b"ID3" + b"\0" * 64, "audio/mpeg")})
    path = f"/api/v1/recordings/{recording_id}/file"
    return api.http.put(path, headers=headers(caller), **kwargs)  # type: ignore[arg-type]


def _outcome(r: httpx.Response) -> str:
    return str(r.status_code) if r.status_code < 400 else f"{r.status_code} {r.json()['error_code']}"


def _media_urls(recording: dict) -> list[str]:
    urls = [r["url"] for r in recording["renditions"]]
    return urls + [u for u in (recording["thumbnail_url"], recording["poster_url"]) if u]


def _served(api: InlineApi, recording: dict) -> dict[str, int]:
    """Status of every media URL of the recording, by path (the signature changes per read)."""
    return {url.partition("?")[0]: api.http.get(url).status_code for url in _media_urls(recording)}


def _files_under(base_env: dict[str, str], owner: Account, recording_id: str, *more: str) -> list[Path]:
    root = Path(base_env["STORAGE_URL"].removeprefix("file://")).joinpath("recordings", owner.id, recording_id, *more)
    # LocalStore keeps each object's content type in a ``.meta.json`` beside it.
    found = root.rglob("*") if root.exists() else []
    return sorted(p for p in found if p.is_file() and not p.name.endswith(".meta.json"))


@pytest.fixture
def owner(api: InlineApi, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture
def ready(api: InlineApi, owner: Account, clip_small: Path) -> dict:
    job, recording = api.process(owner, clip_small, title="Etude")
    assert job["state"] == "succeeded" and recording["status"] == "ready", job
    return recording


def test_a_new_file_is_swapped_in_once_ready_and_the_old_media_removed(
    api: InlineApi, owner: Account, ready: dict, media_dir: Path, base_env: dict[str, str]
) -> None:
    # Given a ready video recording, and an audio take to replace it with
    take = media.audio_file(media_dir / "replacement.mp3", seconds=3)
    before = _served(api, ready)
    assert before and set(before.values()) == {200}

    # When the owner sends the new file
    r = _put(api, owner, ready["id"], files={"file": ("take2.mp3", take.read_bytes(), "audio/mpeg")})

    # Then a new job is accepted, and the recording still shows and serves its old media
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    assert job_id != ready["job_id"] and r.headers["location"].endswith(f"/api/v1/recordings/{ready['id']}")
    assert r.json()["status"] == "ready"
    assert run_queued(api.settings, job_id, tasks=("probe", "render")) == 2  # new media half made
    halfway = api.recording(owner, ready["id"])
    assert halfway["job_id"] == job_id and halfway["status"] == "ready"
    for field in ("duration_seconds", "original_filename", "size_bytes", "media_kind"):
        assert halfway[field] == ready[field], field
    assert _served(api, halfway) == before

    # When the job finishes
    assert api.wait_job(owner, job_id)["state"] == "succeeded"

    # Then the recording has the new media, and the old media's objects are gone
    after = api.recording(owner, ready["id"])
    assert (after["status"], after["media_kind"], after["original_filename"]) == ("ready", "audio", "take2.mp3")
    assert after["duration_seconds"] == pytest.approx(3, abs=0.2) and after["size_bytes"] == take.stat().st_size
    assert [r["name"] for r in after["renditions"]] == ["audio"]
    assert (after["thumbnail_url"], after["poster_url"]) == (None, None)
    assert set(_served(api, after).values()) == {200}
    assert all(f"/jobs/{job_id}/" in url for url in _media_urls(after))
    assert set(_served(api, ready).values()) == {404}
    stored = {p.name for p in _files_under(base_env, owner, ready["id"])}
    assert stored == {"original", "audio.m4a", "waveform.json"}


def test_a_bad_file_fails_its_job_and_the_old_media_stays(
    api: InlineApi, owner: Account, ready: dict, base_env: dict[str, str]
) -> None:
    r = _put(api, owner, ready["id"], files={"file": ("notes.mp4", NOT_MEDIA, "video/mp4")})
    assert r.status_code == 202, r.text
    job = api.wait_job(owner, r.json()["job_id"])
    assert (job["state"], job["error_code"]) == ("failed", "not_media")

    after = api.recording(owner, ready["id"])
    assert (after["status"], after["error_code"], after["job_id"]) == ("ready", None, job["id"])
    for field in ("duration_seconds", "original_filename", "size_bytes", "media_kind"):
        assert after[field] == ready[field], field
    assert [r["url"].partition("?")[0] for r in after["renditions"]] == [
        r["url"].partition("?")[0] for r in ready["renditions"]
    ]
    assert set(_served(api, after).values()) == {200}
    assert _files_under(base_env, owner, ready["id"], "jobs") == [], "the failed job's upload is removed"
    # And the recording can be given a file again
    assert _put(api, owner, ready["id"]).status_code == 202


def test_a_replacement_while_a_job_runs_is_refused(api: InlineApi, owner: Account, clip_small: Path) -> None:
    created = api.accepted(owner, clip_small)
    r = _put(api, owner, created["id"])
    assert _outcome(r) == "409 recording_busy"
    api.wait_job(owner, created["job_id"])
    first = _put(api, owner, created["id"])
    assert first.status_code == 202, first.text
    assert _outcome(_put(api, owner, created["id"])) == "409 recording_busy"
    assert api.recording(owner, created["id"])["job_id"] == first.json()["job_id"]


# --- who may ------------------------------------------------------------------------------------

CALLERS = {
    "owner": "202",
    "owner, e-mail not verified": "403 email_not_verified",
    "linked teacher, shared": "403 not_owner",
    "other student": "404 recording_not_found",
    "admin": "403 not_owner",
    "anonymous": "401 not_authenticated",
}


@pytest.fixture(scope="module")
def world(api: InlineApi, base_env: dict[str, str], clip_small: Path) -> dict[str, tuple[Account | None, str]]:
    """Each caller with the recording they try to replace (a ready one, shared with the teacher)."""
    owner, teacher = verified(api, base_env), verified(api, base_env, "teacher")
    link(api, owner, teacher)
    recording = api.process(owner, clip_small)[1]
    assert share(api, owner, recording["id"], teacher).status_code == 201
    unverified = api.register()
    return {
        "owner": (owner, recording["id"]),
        "owner, e-mail not verified": (unverified, api.process(unverified, clip_small)[1]["id"]),
        "linked teacher, shared": (teacher, recording["id"]),
        "other student": (verified(api, base_env), recording["id"]),
        "admin": (admin(api, base_env), recording["id"]),
        "anonymous": (None, recording["id"]),
    }


@pytest.mark.parametrize(("caller", "expected"), CALLERS.items(), ids=list(CALLERS))
def test_only_the_verified_owner_may_replace_the_file(
    api: InlineApi, world: dict[str, tuple[Account | None, str]], caller: str, expected: str
) -> None:
    account, recording_id = world[caller]
    owner = world["owner"][0] if caller != "owner, e-mail not verified" else account
    job_before = api.recording(owner, recording_id)["job_id"]  # type: ignore[arg-type]
    r = _put(api, account, recording_id)
    assert _outcome(r) == expected
    job_after = api.recording(owner, recording_id)["job_id"]  # type: ignore[arg-type]
    assert (job_after != job_before) == (expected == "202")


# --- bad input ----------------------------------------------------------------------------------

BAD = [
    pytest.param({"json": {"file": "x"}}, "422 multipart_required", id="json-body"),
    pytest.param({"files": {"title": (None, "no file")}}, "422 one_file_expected", id="text-field"),
    pytest.param({"files": {"other": ("a.mp3", b"x", "audio/mpeg")}}, "422 one_file_expected", id="file-elsewhere"),
    pytest.param({"files": [("file", ("a.mp3", b"x")), ("file", ("b.mp3", b"y"))]}, "422 one_file_expected", id="two"),
    pytest.param({"files": {"file": ("empty.mp3", b"", "audio/mpeg")}}, "422 empty_upload", id="empty"),
    pytest.param(
        {"content": b"--x--\r\n", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
        "422 file_required",
        id="no-parts",
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), BAD)
def test_bad_input_is_refused_and_changes_nothing(
    api: InlineApi, owner: Account, ready: dict, base_env: dict[str, str], kwargs: dict, expected: str
) -> None:
    extra = kwargs.pop("headers", {})
    r = api.http.put(f"/api/v1/recordings/{ready['id']}/file", headers={**owner.headers, **extra}, **kwargs)
    assert _outcome(r) == expected
    assert api.recording(owner, ready["id"])["job_id"] == ready["job_id"]
    assert _files_under(base_env, owner, ready["id"], "jobs") == []


def test_a_file_over_the_upload_limit_is_413_and_an_unknown_recording_404(
    api: InlineApi, owner: Account, ready: dict, base_env: dict[str, str]
) -> None:
    limit = int(base_env["MAX_UPLOAD_BYTES"])
    big = {"file": ("big.mp3", b"\0" * (limit + 1), "audio/mpeg")}
    assert _outcome(_put(api, owner, ready["id"], files=big)) == "413 upload_too_large"
    assert _files_under(base_env, owner, ready["id"], "jobs") == []
    unknown = "00000000-0000-4000-8000-000000000000"
    assert _outcome(_put(api, owner, unknown)) == "404 recording_not_found"
