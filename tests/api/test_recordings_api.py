"""Recordings over HTTP: the upload contract, listing, ownership, update, delete, signed media URLs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from storage.objects.signing import sign_media_path
from tests.conftest import TEST_SECRET
from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api


def _error(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status and (code is None or r.json()["error_code"] == code), r.text
    return r.json()


def _files_under(base_env: dict[str, str], *segments: str) -> list[Path]:
    root = Path(base_env["STORAGE_URL"].removeprefix("file://")).joinpath("recordings", *segments)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _with_query(url: str, **changes: object) -> str:
    base, _, query = url.partition("?")
    return f"{base}?{urlencode({k: v[0] for k, v in parse_qs(query).items()} | changes)}"


@pytest.fixture(scope="module")
def library(api: Api, clip_small: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Account, list[dict]]:
    """One owner with three finished recordings, oldest first: ready, failed (not media), ready."""
    owner = api.register()
    notes = tmp_path_factory.mktemp("library") / "notes.mp4"
    notes.write_bytes(b"these are my practice notes\n" * 40)
    recordings = []
    for path, title in [(clip_small, "first"), (notes, "second"), (clip_small, "third")]:
        recordings.append(api.process(owner, path, title=title)[1])
    assert [r["status"] for r in recordings] == ["ready", "failed", "ready"]
    return owner, recordings


@pytest.fixture(scope="module")
def media(api: Api, library: tuple[Account, list[dict]]) -> tuple[str, bytes]:
    """A signed URL of a ready rendition and the bytes it serves."""
    rendition = library[1][0]["renditions"][0]
    content = api.http.get(rendition["url"]).content
    assert len(content) == rendition["size_bytes"] > 200
    return rendition["url"], content


# --- upload -----------------------------------------------------------------------------------


def test_upload_is_accepted_with_links(api: Api, account: Account, clip_small: Path) -> None:
    fields = {"title": "Etude op. 10", "description": "slow practice", "piece": "Etude", "composer": "Chopin"}
    file = ("take1.mp4", clip_small.read_bytes(), "video/mp4")
    r = api.http.post("/api/v1/recordings", headers=account.headers, data=fields, files={"file": file})
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "processing" and body["owner_id"] == account.id
    assert {k: body[k] for k in fields} == fields
    assert body["original_filename"] == "take1.mp4" and body["size_bytes"] == clip_small.stat().st_size
    recording_id, job_id, links = str(uuid.UUID(body["id"])), str(uuid.UUID(body["job_id"])), body["links"]
    assert r.headers["location"] == links["self"] and links["self"].endswith(f"/api/v1/recordings/{recording_id}")
    assert links["job"].endswith(f"/api/v1/jobs/{job_id}") and links["events"].endswith("/api/v1/events")
    assert api.http.get(links["self"], headers=account.headers).json()["id"] == recording_id
    assert api.http.get(links["job"], headers=account.headers).json()["recording_id"] == recording_id


def test_filename_keeps_its_unicode_and_loses_its_path(api: Api, account: Account, clip_small: Path) -> None:
    file = ("../../home/ana/Étude №3 録音.mp4", clip_small.read_bytes(), "video/mp4")
    r = api.http.post("/api/v1/recordings", headers=account.headers, files={"file": file})
    assert r.status_code == 202, r.text
    assert r.json()["original_filename"] == "Étude №3 録音.mp4"


FILE = ("take.mp4", b"\x00\x00\x00\x18ftypmp42" * 64, "video/mp4")
WITH_FILE = {"files": {"file": FILE}}
BAD_KEY = "invalid_idempotency_key"
REFUSED_UPLOADS = [
    pytest.param({**WITH_FILE, "headers": {"Authorization": ""}}, 401, "not_authenticated", id="no-token"),
    pytest.param({"json": {"title": "x"}}, 422, "multipart_required", id="json-body"),
    pytest.param({"files": {"title": (None, "no file here")}}, 422, "file_required", id="no-file"),
    pytest.param({"files": [("file", FILE), ("file", FILE)]}, 422, "one_file_expected", id="two-files"),
    pytest.param({"files": [("file", FILE), ("extra", FILE)]}, 422, "one_file_expected", id="file-in-other-field"),
    pytest.param({**WITH_FILE, "data": {"colour": "red"}}, 422, "unknown_field", id="unknown-field"),
    pytest.param({**WITH_FILE, "data": {"title": ["a", "b"]}}, 422, "duplicate_field", id="field-twice"),
    pytest.param({**WITH_FILE, "data": {"title": "t" * 201}}, 422, "validation_error", id="long-title"),
    pytest.param({"files": {"file": ("empty.mp4", b"")}}, 422, "empty_upload", id="empty-file"),
    pytest.param({**WITH_FILE, "headers": {"Idempotency-Key": "two words"}}, 400, BAD_KEY, id="key-space"),
    pytest.param({**WITH_FILE, "headers": {"Idempotency-Key": "clé".encode()}}, 400, BAD_KEY, id="key-non-ascii"),
    pytest.param({**WITH_FILE, "headers": {"Idempotency-Key": "k" * 201}}, 400, BAD_KEY, id="key-too-long"),
    pytest.param({**WITH_FILE, "data": {"title": "Nul\x00"}}, 422, "validation_error", id="nul-title"),
]


@pytest.mark.parametrize(("request_kwargs", "status", "code"), REFUSED_UPLOADS)
def test_refused_upload_leaves_nothing_behind(
    api: Api, account: Account, base_env: dict[str, str], request_kwargs: dict, status: int, code: str
) -> None:
    kwargs = dict(request_kwargs)
    headers = {**account.headers, **kwargs.pop("headers", {})}
    _error(api.http.post("/api/v1/recordings", headers=headers, **kwargs), status, code)
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 0
    assert _files_under(base_env, account.id) == []


# --- listing --------------------------------------------------------------------------------


def _titles(api: Api, owner: Account, **params: object) -> tuple[list[str], int]:
    r = api.http.get("/api/v1/recordings", headers=owner.headers, params=params)
    assert r.status_code == 200, r.text
    page = r.json()
    assert (page["limit"], page["offset"]) == (params.get("limit", 20), params.get("offset", 0))
    return [item["title"] for item in page["items"]], page["total"]


def test_list_is_paginated_newest_first(api: Api, library: tuple[Account, list[dict]]) -> None:
    owner, _ = library
    assert _titles(api, owner) == (["third", "second", "first"], 3)
    assert _titles(api, owner, limit=2) == (["third", "second"], 3)
    assert _titles(api, owner, limit=2, offset=2) == (["first"], 3)
    assert _titles(api, owner, limit=2, offset=3) == ([], 3)


def test_list_filters_by_status(api: Api, library: tuple[Account, list[dict]]) -> None:
    owner, _ = library
    assert _titles(api, owner, status="ready") == (["third", "first"], 2)
    assert _titles(api, owner, status="failed") == (["second"], 1)
    assert _titles(api, owner, status="processing") == ([], 0)
    assert _titles(api, owner, status="ready", limit=1, offset=1) == (["first"], 2)


@pytest.mark.parametrize(
    "params",
    [
        *({"status": "bogus"}, {"status": "deleted"}, {"limit": 0}, {"limit": 1000}, {"limit": "x"}, {"offset": -1}),
        pytest.param({"offset": 2**63}, id="offset-2**63"),
        pytest.param({"offset": 2**31}, id="offset-2**31"),
    ],
)
def test_invalid_list_parameters_are_client_errors(api: Api, account: Account, params: dict) -> None:
    r = api.http.get("/api/v1/recordings", headers=account.headers, params=params)
    assert r.status_code in (400, 422), r.text
    assert r.json()["error_code"] == "validation_error"


# --- ownership, update, delete ----------------------------------------------------------------


def test_strangers_cannot_see_change_or_delete_a_recording(api: Api, account: Account, clip_small: Path) -> None:
    created = api.accepted(account, clip_small, title="mine")
    stranger = api.register()
    path = f"/api/v1/recordings/{created['id']}"
    _error(api.http.get(path, headers=stranger.headers), 404, "recording_not_found")
    _error(api.http.patch(path, headers=stranger.headers, json={"title": "theirs"}), 404, "recording_not_found")
    _error(api.http.delete(path, headers=stranger.headers), 404, "recording_not_found")
    _error(api.http.get(f"/api/v1/jobs/{created['job_id']}", headers=stranger.headers), 404, "job_not_found")
    assert api.http.get("/api/v1/recordings", headers=stranger.headers).json()["total"] == 0
    assert api.recording(account, created["id"])["title"] == "mine"


def test_patch_changes_only_the_fields_given(api: Api, account: Account, clip_small: Path) -> None:
    created = api.accepted(account, clip_small, title="Take 1")
    path = f"/api/v1/recordings/{created['id']}"
    r = api.http.patch(path, headers=account.headers, json={"description": "left hand alone", "composer": "Bach"})
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["description"], r.json()["composer"]) == ("Take 1", "left hand alone", "Bach")

    r = api.http.patch(path, headers=account.headers, json={"title": "Take 2", "description": None})
    assert r.status_code == 200, r.text
    stored = api.recording(account, created["id"])
    assert (stored["title"], stored["description"], stored["composer"]) == ("Take 2", None, "Bach")


@pytest.fixture(scope="module")
def patch_target(api: Api, clip_small: Path) -> tuple[Account, str]:
    owner = api.register()
    return owner, api.accepted(owner, clip_small, title="unchanged")["id"]


@pytest.mark.parametrize(
    "body",
    [{"colour": "red"}, {"title": None}, {"title": ""}, {"title": "t" * 201}, {"status": "ready"}, {"owner_id": "x"}],
    ids=["unknown-field", "null-title", "empty-title", "long-title", "status", "owner"],
)
def test_patch_refuses_bad_fields(api: Api, patch_target: tuple[Account, str], body: dict) -> None:
    owner, recording_id = patch_target
    r = api.http.patch(f"/api/v1/recordings/{recording_id}", headers=owner.headers, json=body)
    _error(r, 422, "validation_error")
    stored = api.recording(owner, recording_id)
    assert (stored["title"], stored["owner_id"]) == ("unchanged", owner.id)


def test_delete_removes_the_recording_its_objects_and_media_links(
    api: Api, account: Account, clip_small: Path, base_env: dict[str, str]
) -> None:
    job, recording = api.process(account, clip_small)
    assert recording["status"] == "ready", job
    urls = [r["url"] for r in recording["renditions"]] + [recording["thumbnail_url"], recording["poster_url"]]
    assert urls and all(api.http.get(u).status_code == 200 for u in urls)
    stored = {p.name for p in _files_under(base_env, account.id, recording["id"])}
    assert {"original", "thumbnail.jpg", "poster.jpg"} <= stored and any(n.endswith(".mp4") for n in stored)

    path = f"/api/v1/recordings/{recording['id']}"
    r = api.http.delete(path, headers=account.headers)
    assert r.status_code == 204 and r.content == b""

    _error(api.http.get(path, headers=account.headers), 404, "recording_not_found")
    _error(api.http.delete(path, headers=account.headers), 404, "recording_not_found")
    _error(api.http.get(f"/api/v1/jobs/{job['id']}", headers=account.headers), 404, "job_not_found")
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 0
    assert _files_under(base_env, account.id, recording["id"]) == []
    for url in urls:
        assert api.http.get(url).status_code == 404, url


# --- signed media URLs (local storage) --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [(None, 0, -1), ("bytes=0-99", 0, 99), ("bytes=-10", -10, -1), ("bytes=100-", 100, -1), ("bytes=50-99999", 50, -1)],
)
def test_media_url_serves_file_and_ranges(
    api: Api, media: tuple[str, bytes], header: str | None, first: int, last: int
) -> None:
    url, content = media
    size = len(content)
    first, last = first % size, last % size
    r = api.http.get(url, headers={"Range": header} if header else {})
    assert r.status_code == (206 if header else 200), r.text
    assert r.headers["accept-ranges"] == "bytes" and r.headers["content-type"] == "video/mp4"
    assert r.headers.get("content-range") == (f"bytes {first}-{last}/{size}" if header else None)
    assert r.content == content[first : last + 1] and len(r.content) == int(r.headers["content-length"])


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0", "bytes=20-10"])
def test_unsatisfiable_range_is_416(api: Api, media: tuple[str, bytes], header: str) -> None:
    url, content = media
    r = api.http.get(url, headers={"Range": header.format(size=len(content))})
    _error(r, 416, "range_not_satisfiable")
    assert r.headers["content-range"] == f"bytes */{len(content)}"


def test_range_with_unknown_unit_is_ignored(api: Api, media: tuple[str, bytes]) -> None:
    url, content = media
    assert api.http.get(url, headers={"Range": "items=0-1"}).content == content


def _signed(url: str, expires_at: int) -> str:
    """The URL re-signed exactly as the server signs, with another expiry."""
    base = url.partition("?")[0]
    key = urlsplit(base).path.removeprefix("/media/")
    return f"{base}?{sign_media_path(key, secret=TEST_SECRET, expires_at=expires_at)}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url, sig, exp: _with_query(url, sig=sig[:5] + ("A" if sig[5] != "A" else "B") + sig[6:]),
        lambda url, sig, exp: _with_query(url.replace("/sd.mp4?", "/poster.jpg?")),
        lambda url, sig, exp: _with_query(url, expires=int(time.time()) - 60),
        lambda url, sig, exp: _with_query(url, expires=exp + 86400),
        lambda url, sig, exp: _signed(url, int(time.time()) - 1),
    ],
    ids=["sig", "other-key", "expires-in-past", "expires-later", "signed-but-expired"],
)
def test_tampered_or_expired_media_link_is_refused(
    api: Api, media: tuple[str, bytes], tamper: Callable[..., str]
) -> None:
    url, content = media
    query = parse_qs(urlsplit(url).query)
    forged = tamper(url, query["sig"][0], int(query["expires"][0]))
    assert forged != url
    _error(api.http.get(forged), 403, "media_link_invalid")
    # The control: the same re-signing with a future expiry is accepted.
    assert api.http.get(_signed(url, int(time.time()) + 600)).content == content
