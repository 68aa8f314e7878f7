"""The end-to-end flow with STORAGE_URL pointing at an S3 server (moto) instead of the file store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import media
from tests.e2e.api import Account, Api
from tests.e2e.conftest import api_for, isolated_env, run_stack
from tests.e2e.stack import Stack
from tests.integration.s3_server import bucket_leftovers, s3_storage_url, unique_bucket

pytestmark = pytest.mark.e2e

RENDITION_SIZES = {"hd": (1280, 720), "sd": (854, 480)}


@pytest.fixture(scope="module")
def bucket() -> str:
    return unique_bucket()  # the store creates it at startup (ensure_ready)


@pytest.fixture(scope="module")
def stack(
    base_env: dict[str, str], s3_server: str, bucket: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Overrides the session stack for this module: a second stack of its own, on S3."""
    var_dir = tmp_path_factory.mktemp("s3-stack")
    with isolated_env(base_env, var_dir, STORAGE_URL=s3_storage_url(s3_server, bucket)) as env:
        yield from run_stack(env, var_dir / "logs")


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[Api]:
    yield from api_for(stack)


def _prefix(account: Account, recording_id: str) -> str:
    return f"recordings/{account.id}/{recording_id}/"


def _assert_presigned(url: str, s3_server: str, bucket: str) -> None:
    assert url.startswith(f"{s3_server}/{bucket}/recordings/"), url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=" in url, url


def test_1080p_upload_is_processed_and_served_from_s3(
    api: Api, account: Account, clip_1080p: Path, s3_server: str, bucket: str, tmp_path: Path
) -> None:
    source_duration = float(media.ffprobe(clip_1080p)["format"]["duration"])

    # When a 1080p clip is uploaded and processed with the objects on S3
    job, recording = api.process(account, clip_1080p, title="On S3", content_type="video/mp4")

    # Then the job succeeded and the recording is ready with HD and SD renditions
    assert job["state"] == "succeeded", job
    assert recording["status"] == "ready", recording
    renditions = {r["name"]: r for r in recording["renditions"]}
    assert {name: (r["width"], r["height"]) for name, r in renditions.items()} == RENDITION_SIZES

    # And each one downloads through a presigned URL of the S3 server and plays as H.264 + AAC
    for name, rendition in renditions.items():
        _assert_presigned(rendition["url"], s3_server, bucket)
        local = api.download(rendition["url"], tmp_path / f"{name}.mp4")
        assert local.stat().st_size == rendition["size_bytes"]
        probe = media.ffprobe(local)
        codecs = {s["codec_type"]: s["codec_name"] for s in probe["streams"]}
        assert codecs == {"video": "h264", "audio": "aac"}, probe["streams"]
        assert float(probe["format"]["duration"]) == pytest.approx(source_duration, abs=0.2)

    # And the images are JPEGs, also served by S3
    for image in ("thumbnail_url", "poster_url"):
        _assert_presigned(recording[image], s3_server, bucket)
        local = api.download(recording[image], tmp_path / f"{image}.jpg")
        assert local.read_bytes()[:3] == b"\xff\xd8\xff"
        assert media.ffprobe(local)["streams"][0]["codec_name"] == "mjpeg"

    prefix = _prefix(account, recording["id"])
    stored = {key.removeprefix(prefix) for key in bucket_leftovers(s3_server, bucket, prefix)}
    assert {"original", "hd.mp4", "sd.mp4", "thumbnail.jpg", "poster.jpg"} <= stored, stored

    # When the recording is deleted
    r = api.http.delete(f"/api/v1/recordings/{recording['id']}", headers=account.headers)
    assert r.status_code == 204, r.text

    # Then nothing of it is left in the bucket: no object, no pending multipart upload
    assert bucket_leftovers(s3_server, bucket, prefix) == []
    assert api.http.get(f"/api/v1/recordings/{recording['id']}", headers=account.headers).status_code == 404


def test_upload_over_the_limit_gets_413_and_leaves_nothing_in_the_bucket(
    api: Api, account: Account, base_env: dict[str, str], s3_server: str, bucket: str
) -> None:
    limit = int(base_env["MAX_UPLOAD_BYTES"])
    # A chunked body (no declared length), big enough for several multipart parts to go up first.
    r = api.upload(account, content=media.UnsizedBody(limit + 2 * 1024 * 1024), filename="huge.mp4")
    assert r.status_code == 413, r.text
    assert r.json()["error_code"] == "upload_too_large"
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 0
    assert bucket_leftovers(s3_server, bucket, f"recordings/{account.id}/") == []
