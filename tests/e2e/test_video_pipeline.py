"""A real upload through the Procfile's processes, to playable renditions and images."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import media
from tests.e2e.api import Account, Api
from tests.e2e.sse import EventListener
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


def _video_audio(path: Path) -> tuple[dict, dict | None, float]:
    probe = media.ffprobe(path)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next((s for s in probe["streams"] if s["codec_type"] == "audio"), None)
    return video, audio, float(probe["format"]["duration"])


def _jpeg_width(path: Path) -> int:
    probe = media.ffprobe(path)
    stream = probe["streams"][0]
    assert stream["codec_name"] == "mjpeg"
    return int(stream["width"])


def test_1080p_upload_becomes_ready_with_hd_sd_and_images(
    api: Api, stack: Stack, account: Account, clip_1080p: Path, tmp_path: Path
) -> None:
    # Given a client listening for its events
    listener = EventListener(stack.base_url, account.access_token).start()
    try:
        # When a 5 s 1920x1080 H.264/AAC clip is uploaded and processed
        job, recording = api.process(account, clip_1080p, title="Bach Prelude", content_type="video/mp4")

        # Then the job succeeded step by step and the recording is ready
        assert job["state"] == "succeeded", job
        assert [s["state"] for s in job["steps"]] == ["succeeded"] * 5
        assert recording["status"] == "ready"
        assert (recording["width"], recording["height"]) == (1920, 1080)
        assert recording["duration_seconds"] == pytest.approx(5.0, abs=0.1)

        renditions = {r["name"]: r for r in recording["renditions"]}
        assert set(renditions) == {"hd", "sd"}
        for name, size in {"hd": (1280, 720), "sd": (854, 480)}.items():
            assert (renditions[name]["width"], renditions[name]["height"]) == size
            local = api.download(renditions[name]["url"], tmp_path / f"{name}.mp4")
            video, audio, duration = _video_audio(local)
            assert video["codec_name"] == "h264" and (video["width"], video["height"]) == size
            assert video["pix_fmt"] == "yuv420p"
            assert audio is not None and audio["codec_name"] == "aac"
            assert duration == pytest.approx(5.0, abs=0.2)
            assert local.stat().st_size == renditions[name]["size_bytes"]

        assert _jpeg_width(api.download(recording["thumbnail_url"], tmp_path / "t.jpg")) == 320
        assert _jpeg_width(api.download(recording["poster_url"], tmp_path / "p.jpg")) == 1280

        # And the event stream carried progress and the ready event
        ready = listener.wait_for("recording.ready", lambda d: d["recording_id"] == recording["id"])
        assert ready["status"] == "ready"
        progress = [p for p in listener.of("job.progress") if p["job_id"] == job["id"]]
        assert any(p["step"] == "render" and 0 < p["progress"] < 1 for p in progress) or any(
            p["step"] == "render" for p in progress
        )
        assert any(p["step"] == "render" and p["progress"] == 1.0 for p in progress)
        listener.wait_for("notification", lambda d: d["recording_id"] == recording["id"])
    finally:
        listener.stop()

    # And exactly one "ready" notification for the owner
    notes = api.http.get("/api/v1/notifications", headers=account.headers).json()
    assert [n["kind"] for n in notes["items"]] == ["recording.ready"]


def test_small_source_gives_sd_only_at_its_own_size(api: Api, account: Account, media_dir: Path) -> None:
    clip = media.video_clip(media_dir / "clip-360p.mp4", width=640, height=360, seconds=3)
    job, recording = api.process(account, clip)
    assert job["state"] == "succeeded"
    assert [(r["name"], r["width"], r["height"]) for r in recording["renditions"]] == [("sd", 640, 360)]


def test_portrait_clip_stays_portrait(api: Api, account: Account, media_dir: Path) -> None:
    clip = media.video_clip(media_dir / "clip-portrait.mp4", width=1080, height=1920, seconds=2)
    job, recording = api.process(account, clip)
    assert job["state"] == "succeeded"
    sizes = {r["name"]: (r["width"], r["height"]) for r in recording["renditions"]}
    assert sizes == {"hd": (720, 1280), "sd": (480, 854)}


def test_rotated_clip_comes_out_upright(api: Api, account: Account, media_dir: Path, tmp_path: Path) -> None:
    source = media.video_clip(media_dir / "clip-720p.mp4", width=1280, height=720, seconds=2)
    rotated = media.rotated_clip(media_dir / "clip-rotated.mp4", source)
    job, recording = api.process(account, rotated)
    assert job["state"] == "succeeded"
    assert (recording["width"], recording["height"]) == (720, 1280)
    sd = next(r for r in recording["renditions"] if r["name"] == "sd")
    video, _, _ = _video_audio(api.download(sd["url"], tmp_path / "sd.mp4"))
    # Upright pixels, and no rotation left for players to apply a second time.
    assert (video["width"], video["height"]) == (480, 854)
    assert not any(d.get("rotation") for d in video.get("side_data_list", []))
