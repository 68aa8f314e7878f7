"""Bad uploads fail with their own error code, and a good upload right after still succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import media
from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api


def _assert_still_healthy(api: Api, account: Account, good: Path) -> None:
    job, recording = api.process(account, good)
    assert job["state"] == "succeeded" and recording["status"] == "ready"


def _failed_with(api: Api, account: Account, path: Path, code: str) -> dict:
    created = api.accepted(account, path)
    job = api.wait_job(account, created["job_id"])
    assert job["state"] == "failed", job
    probe = next(s for s in job["steps"] if s["name"] == "probe")
    assert probe["state"] == "failed" and probe["error_code"] == code, probe
    assert probe["attempts"] == 1, "deterministic media errors are not retried"
    assert all(s["state"] == "skipped" for s in job["steps"] if s["name"] in ("render", "thumbnails", "finalize"))
    recording = api.recording(account, created["id"])
    assert recording["status"] == "failed" and recording["error_code"] == code
    assert recording["renditions"] == []
    return recording


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("text-named.mp4", lambda d, _: _write(d / "notes.mp4", b"these are my practice notes\n" * 40), "not_media"),
        ("truncated.mp4", lambda d, _: media.truncated_copy(d / "truncated.mp4", _moov_last(d)), "truncated_media"),
        ("image.png", lambda d, _: media.png_image(d / "still.png"), "image_not_supported"),
        ("playlist.m3u8", lambda d, _: media.hls_playlist(d / "evil.m3u8"), "playlist_not_allowed"),
        (
            "too-long.mp4",
            lambda d, _: media.video_clip(d / "long.mp4", width=160, height=90, seconds=61, fps=5),
            "media_too_long",
        ),
    ],
)
def test_bad_media_fails_with_its_code(
    api: Api,
    account: Account,
    media_dir: Path,
    clip_small: Path,
    name: str,
    make,
    code: str,  # noqa: ANN001
) -> None:
    bad = make(media_dir, clip_small)
    recording = _failed_with(api, account, bad, code)
    assert recording["error_message"]
    notes = api.http.get("/api/v1/notifications", headers=account.headers).json()["items"]
    assert [n["kind"] for n in notes] == ["recording.failed"]
    assert notes[0]["data"]["error_code"] == code
    _assert_still_healthy(api, account, clip_small)


def test_zero_byte_upload_is_refused(api: Api, account: Account, clip_small: Path) -> None:
    r = api.upload(account, content=b"", filename="empty.mp4")
    assert r.status_code == 422 and r.json()["error_code"] == "empty_upload"
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 0
    _assert_still_healthy(api, account, clip_small)


def test_upload_over_the_limit_gets_413_while_streaming(
    api: Api, account: Account, clip_small: Path, base_env: dict[str, str]
) -> None:
    limit = int(base_env["MAX_UPLOAD_BYTES"])
    # A body of unknown length (chunked): the server can only find out by counting.
    r = api.upload(account, content=media.UnsizedBody(limit + 2 * 1024 * 1024), filename="huge.mp4")
    assert r.status_code == 413, r.text
    assert r.json()["error_code"] == "upload_too_large"
    # Nothing was kept: no recording, and no object left in the store.
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 0
    objects = Path(base_env["STORAGE_URL"].removeprefix("file://")) / "recordings" / account.id
    assert not objects.exists() or not any(p.is_file() for p in objects.rglob("*"))
    _assert_still_healthy(api, account, clip_small)


def test_declared_length_over_the_limit_is_refused_before_reading(
    api: Api, account: Account, base_env: dict[str, str]
) -> None:
    limit = int(base_env["MAX_UPLOAD_BYTES"])
    headers = {**account.headers, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(limit * 2)}
    r = api.http.post("/api/v1/recordings", headers=headers, content=b"--x--\r\n" + b"\0" * (limit * 2 - 7))
    assert r.status_code == 413 and r.json()["error_code"] == "upload_too_large"


def _moov_last(directory: Path) -> Path:
    """A clip whose index comes last, as cameras write it: cut short, it has no index at all."""
    path = directory / "moov-last.mp4"
    if not path.exists():
        media.ffmpeg(
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25:duration=3",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(path),
        )
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
