"""Audio-only uploads: an AAC rendition and a waveform, no pictures."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests import media
from tests.e2e.api import Account, Api

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_audio_upload_gives_m4a_and_waveform(
    api: Api, account: Account, media_dir: Path, tmp_path: Path, suffix: str
) -> None:
    source = media.audio_file(media_dir / f"tone{suffix}", seconds=10)
    job, recording = api.process(account, source, content_type="audio/mpeg" if suffix == ".mp3" else "audio/wav")

    assert job["state"] == "succeeded", job
    assert {s["name"]: s["state"] for s in job["steps"]}["thumbnails"] == "skipped"
    assert recording["status"] == "ready"
    assert recording["media_kind"] == "audio"
    assert recording["duration_seconds"] == pytest.approx(10.0, abs=0.1)
    assert recording["thumbnail_url"] is None and recording["poster_url"] is None

    [rendition] = recording["renditions"]
    assert rendition["name"] == "audio" and rendition["content_type"] == "audio/mp4"
    probe = media.ffprobe(api.download(rendition["url"], tmp_path / "audio.m4a"))
    [stream] = probe["streams"]
    assert stream["codec_type"] == "audio" and stream["codec_name"] == "aac"
    assert float(probe["format"]["duration"]) == pytest.approx(10.0, abs=0.2)

    waveform = httpx.get(recording["waveform_url"], timeout=30).json()
    assert 990 <= len(waveform["peaks"]) <= 1000
    assert all(0.0 <= p <= 1.0 for p in waveform["peaks"])
    assert max(waveform["peaks"]) > 0.1  # a real tone, not silence
    assert json.dumps(waveform)  # plain JSON a player can use
