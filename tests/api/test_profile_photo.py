"""Profile photos: upload, the images task (run in-process), signed URLs, refusals, removal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from pipelines.photo_render import MAX_PHOTO_BYTES
from tests.api.conftest import InlineApi
from tests.e2e.api import Account
from tests.photos import colour_at, has_metadata, phone_jpeg, png_bomb, png_bytes

pytestmark = pytest.mark.api

PHOTO = "/api/v1/users/me/photo"


def _put(
    api: InlineApi, account: Account, content: bytes, *, name: str = "me.jpg", kind: str = "image/jpeg"
) -> httpx.Response:
    return api.http.put(PHOTO, headers=account.headers, files={"file": (name, content, kind)})


def _me(api: InlineApi, account: Account) -> dict:
    r = api.http.get("/api/v1/users/me", headers=account.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _settled(api: InlineApi, account: Account) -> dict:
    """Run the queued photo tasks as the images worker would, then read ``/users/me``."""
    api.run_tasks("profile_photo")
    me = _me(api, account)
    assert me["photo_status"] != "processing", me
    return me


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json()["error_code"]) == (status, code), r.text


def _fetch(api: InlineApi, url: str) -> bytes:
    r = api.http.get(url, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg", (url, r.status_code)
    return r.content


def _uploads_left(base_env: dict[str, str], account: Account) -> list[Path]:
    root = Path(base_env["STORAGE_URL"].removeprefix("file://")) / "users" / account.id / "photo_uploads"
    return [p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".meta.json")] if root.exists() else []


@pytest.fixture(scope="module")
def with_photo(api: InlineApi) -> tuple[Account, dict]:
    """A user whose phone photo (EXIF orientation 6, GPS tags) has been rendered."""
    owner = api.register()
    r = _put(api, owner, phone_jpeg(800, 400, orientation=6))
    assert r.status_code == 202, r.text
    assert r.json()["photo_status"] == "processing"
    me = _settled(api, owner)
    assert me["photo_status"] == "ready" and me["photo_error_code"] is None, me
    return owner, me


def test_a_phone_photo_is_rendered_upright_square_and_without_metadata(
    api: InlineApi, with_photo: tuple[Account, dict], base_env: dict[str, str]
) -> None:
    owner, me = with_photo
    profile, thumb = _fetch(api, me["photo_url"]), _fetch(api, me["photo_thumb_url"])
    assert Image.open(io.BytesIO(profile)).size == (400, 400)
    assert Image.open(io.BytesIO(thumb)).size == (64, 64)
    # Stored landscape (red top, blue bottom), shown portrait: blue left, red right once upright.
    assert (colour_at(profile, 60, 200), colour_at(profile, 340, 200)) == ("blue", "red")
    assert (colour_at(thumb, 10, 32), colour_at(thumb, 54, 32)) == ("blue", "red")
    assert has_metadata(profile) == [] and has_metadata(thumb) == []
    assert _uploads_left(base_env, owner) == [], "the original, with its GPS tags, is not kept"


def test_others_see_the_photo_on_the_public_profile(api: InlineApi, with_photo: tuple[Account, dict]) -> None:
    owner, _ = with_photo
    teacher = api.register(role="teacher")
    r = api.http.get(f"/api/v1/users/{owner.id}", headers=teacher.headers)
    assert r.status_code == 200, r.text
    assert Image.open(io.BytesIO(_fetch(api, r.json()["photo_thumb_url"]))).size == (64, 64)


def test_a_text_file_is_refused_before_anything_is_stored(api: InlineApi, account: Account) -> None:
    _error(_put(api, account, b"my practice notes\n" * 100, name="notes.jpg"), 422, "not_an_image")
    me = _me(api, account)
    assert (me["photo_status"], me["photo_url"]) == (None, None)


def test_a_decompression_bomb_is_refused_and_the_earlier_photo_is_kept(api: InlineApi) -> None:
    owner = api.register()
    assert _put(api, owner, png_bytes(300, 300), name="red.png", kind="image/png").status_code == 202
    before = _settled(api, owner)
    assert before["photo_status"] == "ready"
    served = _fetch(api, before["photo_url"])

    _error(_put(api, owner, png_bomb(30_000, 30_000), name="bomb.png", kind="image/png"), 422, "image_too_large")

    after = _me(api, owner)
    assert after["photo_status"] == "ready" and after["photo_updated_at"] == before["photo_updated_at"]
    assert _fetch(api, after["photo_url"]) == served


def test_an_undecodable_image_fails_in_the_worker_and_the_earlier_photo_is_still_served(
    api: InlineApi, with_photo: tuple[Account, dict]
) -> None:
    owner, before = with_photo
    served = _fetch(api, before["photo_url"])
    # A real JPEG header (so the API accepts it) with its pixel data cut off.
    r = _put(api, owner, phone_jpeg(800, 400)[:2000], name="broken.jpg")
    assert r.status_code == 202, r.text
    after = _settled(api, owner)
    assert (after["photo_status"], after["photo_error_code"]) == ("failed", "corrupt_image")
    assert _fetch(api, after["photo_url"]) == served
    assert _fetch(api, after["photo_thumb_url"])


def test_a_newer_upload_wins(api: InlineApi) -> None:
    owner = api.register()
    for colour in [(255, 0, 0), (0, 0, 255)]:
        assert _put(api, owner, png_bytes(64, 64, colour), name="c.png", kind="image/png").status_code == 202
    me = _settled(api, owner)
    assert me["photo_status"] == "ready"
    assert colour_at(_fetch(api, me["photo_url"]), 200, 200) == "blue"


def test_a_photo_over_the_byte_limit_is_413_while_streaming(api: InlineApi, account: Account) -> None:
    def body() -> Iterator[bytes]:  # no Content-Length: the limit is counted as bytes arrive
        boundary = b"photo-boundary"
        yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n\r\n'
        yield phone_jpeg()
        for _ in range(MAX_PHOTO_BYTES // (1024 * 1024) + 1):
            yield b"\0" * (1024 * 1024)
        yield b"\r\n--" + boundary + b"--\r\n"

    headers = {**account.headers, "Content-Type": "multipart/form-data; boundary=photo-boundary"}
    _error(api.http.put(PHOTO, headers=headers, content=body()), 413, "upload_too_large")
    big = phone_jpeg() + b"\0" * MAX_PHOTO_BYTES
    _error(_put(api, account, big), 413, "upload_too_large")
    assert _me(api, account)["photo_status"] is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"content": b"\xff\xd8\xff\xe0", "headers": {"Content-Type": "image/jpeg"}}, "multipart_required"),
        ({"files": {"file": ("empty.jpg", b"", "image/jpeg")}}, "empty_upload"),
        ({"files": {"photo": ("me.jpg", b"\xff\xd8\xff", "image/jpeg")}}, "one_file_expected"),
        ({"data": {"title": "no file"}, "files": {}}, "multipart_required"),
    ],
    ids=["raw-body", "empty", "wrong-field", "no-file"],
)
def test_malformed_uploads_are_refused(api: InlineApi, account: Account, kwargs: dict, code: str) -> None:
    headers = {**account.headers, **kwargs.pop("headers", {})}
    r = api.http.put(PHOTO, headers=headers, **kwargs)
    assert 400 <= r.status_code < 500 and r.json()["error_code"] == code, r.text


def test_photo_endpoints_need_a_token(api: InlineApi) -> None:
    assert api.http.put(PHOTO, files={"file": ("me.jpg", phone_jpeg(), "image/jpeg")}).status_code == 401
    assert api.http.delete(PHOTO).status_code == 401


def test_removing_the_photo(api: InlineApi, base_env: dict[str, str]) -> None:
    owner = api.register()
    assert _put(api, owner, png_bytes(100, 100)).status_code == 202
    url = _settled(api, owner)["photo_url"]
    assert api.http.delete(PHOTO, headers=owner.headers).status_code == 204
    me = _me(api, owner)
    assert (me["photo_status"], me["photo_url"], me["photo_thumb_url"]) == (None, None, None)
    assert api.http.get(url).status_code == 404
    assert api.http.delete(PHOTO, headers=owner.headers).status_code == 204  # idempotent
    assert _uploads_left(base_env, owner) == []
