"""Album covers over HTTP (``PUT``/``DELETE /api/v1/albums/{id}/cover``), the images task run in-process."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.settings import Settings
from tests.api.library_support import album, error_of
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import verified
from tests.inline_worker import run_queued
from tests.photos import BLUE, RED, colour_at, png_bomb, png_bytes

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


def put_cover(api: Api, who: Account, album_id: str, data: bytes, name: str = "cover.png", kind: str = "image/png"):
    return api.http.put(f"/api/v1/albums/{album_id}/cover", headers=who.headers, files={"file": (name, data, kind)})


def get_album(api: Api, album_id: str) -> dict:
    r = api.http.get(f"/api/v1/albums/{album_id}")
    assert r.status_code == 200, r.text
    return r.json()


def image(api: Api, url: str) -> Image.Image:
    r = api.http.get(url)
    assert r.status_code == 200, r.text
    return Image.open(io.BytesIO(r.content))


def rendered(api: Api, settings: Settings, album_id: str) -> dict:
    run_queued(settings, tasks=["album_cover"])
    return get_album(api, album_id)


def test_a_cover_is_rendered_to_a_square_jpeg_and_thumbnail(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    assert (entry["cover_url"], entry["cover_thumb_url"], entry["cover_status"]) == (None, None, None)
    r = put_cover(api, teacher, entry["id"], png_bytes(1600, 900, RED))
    assert r.status_code == 202, r.text
    assert (r.json()["cover_status"], r.json()["cover_url"]) == ("processing", None)

    done = rendered(api, settings, entry["id"])
    assert (done["cover_status"], done["cover_error_code"]) == ("ready", None)
    cover, thumb = image(api, done["cover_url"]), image(api, done["cover_thumb_url"])
    assert (cover.format, cover.size, thumb.size) == ("JPEG", (1200, 1200), (300, 300))


def test_a_new_cover_replaces_the_old_once_rendered(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    put_cover(api, teacher, entry["id"], png_bytes(400, 400, RED))
    first = rendered(api, settings, entry["id"])
    assert colour_at(api.http.get(first["cover_url"]).content, 600, 600) == "red"

    assert put_cover(api, teacher, entry["id"], png_bytes(400, 400, BLUE)).status_code == 202
    pending = get_album(api, entry["id"])  # the old cover is still served meanwhile
    assert pending["cover_status"] == "processing"
    assert colour_at(api.http.get(pending["cover_url"]).content, 600, 600) == "red"

    done = rendered(api, settings, entry["id"])
    assert done["cover_status"] == "ready"
    assert colour_at(api.http.get(done["cover_url"]).content, 600, 600) == "blue"
    assert run_queued(settings, tasks=["album_cover"]) == 0  # nothing left; a redelivery would be a no-op


def test_a_bad_image_found_by_the_worker_leaves_the_old_cover(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    put_cover(api, teacher, entry["id"], png_bytes(400, 400, RED))
    rendered(api, settings, entry["id"])
    # A PNG whose header is whole but whose pixels are cut off: only decoding finds out.
    broken = png_bytes(2000, 2000, BLUE)
    broken = broken[: len(broken) // 2]
    assert put_cover(api, teacher, entry["id"], broken).status_code == 202
    failed = rendered(api, settings, entry["id"])
    assert (failed["cover_status"], failed["cover_error_code"]) == ("failed", "corrupt_image")
    assert colour_at(api.http.get(failed["cover_url"]).content, 600, 600) == "red"


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"just some liner notes\n" * 50, "notes.txt", 422, "not_an_image"),
        (b"", "empty.png", 422, "empty_upload"),
        (b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 64, "anim.gif", 422, "not_an_image"),
        (png_bomb(), "bomb.png", 422, "image_too_large"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024 + 1), "huge.png", 413, "upload_too_large"),
    ],
    ids=["text", "empty", "gif", "decompression-bomb", "too-large"],
)
def test_bad_files_are_refused_on_sight(
    api: Api, settings: Settings, teacher: Account, data: bytes, name: str, status: int, code: str
) -> None:
    entry = album(api, teacher)
    r = put_cover(api, teacher, entry["id"], data, name=name)
    assert error_of(r) == (status, code), r.text
    assert get_album(api, entry["id"])["cover_status"] is None


def test_an_unknown_album_is_a_404(api: Api, teacher: Account) -> None:
    r = put_cover(api, teacher, "00000000-0000-4000-8000-000000000000", png_bytes(10, 10))
    assert error_of(r) == (404, "album_not_found")


def test_removing_the_cover(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    put_cover(api, teacher, entry["id"], png_bytes(400, 400, RED))
    url = rendered(api, settings, entry["id"])["cover_url"]
    r = api.http.delete(f"/api/v1/albums/{entry['id']}/cover", headers=teacher.headers)
    assert r.status_code == 204, r.text
    gone = get_album(api, entry["id"])
    assert (gone["cover_url"], gone["cover_thumb_url"], gone["cover_status"]) == (None, None, None)
    assert api.http.get(url).status_code == 404


def test_a_removal_wins_over_an_upload_still_rendering(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    put_cover(api, teacher, entry["id"], png_bytes(400, 400, RED))
    api.http.delete(f"/api/v1/albums/{entry['id']}/cover", headers=teacher.headers)
    after = rendered(api, settings, entry["id"])  # the stale task writes nothing
    assert (after["cover_url"], after["cover_status"]) == (None, None)


def test_deleting_the_album_removes_its_cover(api: Api, settings: Settings, teacher: Account) -> None:
    entry = album(api, teacher)
    put_cover(api, teacher, entry["id"], png_bytes(400, 400, RED))
    done = rendered(api, settings, entry["id"])
    assert api.http.get(done["cover_thumb_url"]).status_code == 200
    assert api.http.delete(f"/api/v1/albums/{entry['id']}", headers=teacher.headers).status_code == 204
    assert api.http.get(done["cover_url"]).status_code == 404
    assert api.http.get(done["cover_thumb_url"]).status_code == 404
