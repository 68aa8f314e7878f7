"""A song's audio (``PUT /songs/{id}/audio``): the recording pipeline run in-process with real ffmpeg,
tags filling what the song leaves empty, replacement, and the album totals that follow."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests import media
from tests.api.conftest import InlineApi
from tests.api.library_support import album, error_of, song, unique
from tests.e2e.api import Account
from tests.e2e.authz_support import NOT_MEDIA, verified
from tests.inline_worker import run_queued

pytestmark = pytest.mark.api


@pytest.fixture
def teacher(api: InlineApi, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


def put_audio(
    api: InlineApi, who: Account, song_id: str, path: Path | None = None, content: bytes = b""
) -> httpx.Response:
    body = path.read_bytes() if path is not None else content
    files = {"file": (path.name if path else "upload.bin", body, "application/octet-stream")}
    return api.http.put(f"/api/v1/songs/{song_id}/audio", headers=who.headers, files=files)


def finished(api: InlineApi, who: Account, song_id: str, job_id: str) -> dict:
    """Run the audio's job and the discards it leads to; the song as it then reads."""
    run_queued(api.settings, job_id)
    run_queued(api.settings, tasks=["discard_recording"])
    return api.http.get(f"/api/v1/songs/{song_id}", headers=who.headers).json()


def processed(api: InlineApi, who: Account, song_id: str, path: Path) -> dict:
    r = put_audio(api, who, song_id, path)
    assert r.status_code == 202, r.text
    return finished(api, who, song_id, r.json()["audio_job_id"])


def recording_of(api: InlineApi, who: Account, job_id: str) -> str:
    return api.job(who, job_id)["recording_id"]


def test_tags_fill_what_the_song_leaves_empty_and_the_duration_comes_from_the_media(
    api: InlineApi, teacher: Account, media_dir: Path
) -> None:
    tag = unique("Tagged")
    path = media.tagged_audio(
        media_dir / f"{tag.replace(' ', '-')}.mp3", seconds=2.0, title=f"{tag} title", artist=f"{tag} artist",
        album=f"{tag} album", track="3/12", date="1999-04-01", genre=f"{tag[:40]} genre",
    )  # fmt: skip
    bare = song(api, teacher, untitled=True)
    r = put_audio(api, teacher, bare["id"], path)
    assert r.status_code == 202, r.text
    assert (r.json()["audio_status"], r.json()["audio_url"]) == ("processing", None)

    done = finished(api, teacher, bare["id"], r.json()["audio_job_id"])
    assert (done["title"], done["track_number"]) == (f"{tag} title", 3)
    assert done["album"]["title"] == f"{tag} album" and done["album"]["release_year"] == 1999
    assert [(c["name"], c["role"]) for c in done["credits"]] == [(f"{tag} artist", "performer")]
    assert [g["name"] for g in done["genres"]] == [f"{tag[:40]} genre"]
    assert done["duration_seconds"] == pytest.approx(2.0, abs=0.1)
    assert (done["audio_status"], done["audio_error_code"]) == ("ready", None)
    # The served audio is AAC; the waveform is peaks
    audio = api.http.get(done["audio_url"])
    assert audio.status_code == 200 and audio.headers["content-type"].startswith("audio/mp4")
    assert len(api.http.get(done["waveform_url"]).json()["peaks"]) > 100
    # The album the tags made names the artist and counts the song's length
    made = api.http.get(f"/api/v1/albums/{done['album']['id']}").json()
    assert [a["name"] for a in made["artists"]] == [f"{tag} artist"]
    assert (made["song_count"], made["total_duration_seconds"]) == (1, pytest.approx(2.0, abs=0.1))


@pytest.mark.parametrize("suffix", [".m4a", ".ogg", ".aac"])
def test_each_audio_format_becomes_the_songs_audio_with_its_title_tag(
    api: InlineApi, teacher: Account, media_dir: Path, suffix: str
) -> None:
    path = media.tagged_audio(media_dir / f"format{suffix}", seconds=1.0, title=f"Title of {suffix}")
    done = processed(api, teacher, song(api, teacher, untitled=True)["id"], path)
    assert (done["audio_status"], done["duration_seconds"]) == ("ready", pytest.approx(1.0, abs=0.1))
    # Raw ADTS carries no tags; MP4 atoms and Vorbis comments do
    assert done["title"] == (None if suffix == ".aac" else f"Title of {suffix}")


def test_tags_never_overwrite_what_the_user_set(api: InlineApi, teacher: Account, media_dir: Path) -> None:
    tags = {"title": "Tag title", "track": "9", "album": "Tag album"}
    path = media.tagged_audio(media_dir / "overwrite.flac", seconds=1.0, **tags)
    mine = album(api, teacher)
    chosen = song(api, teacher, title="My title", track_number=2, album_id=mine["id"])
    done = processed(api, teacher, chosen["id"], path)
    assert (done["title"], done["track_number"], done["album"]["id"]) == ("My title", 2, mine["id"])
    assert done["audio_status"] == "ready"


def test_a_video_yields_its_sound_only_and_the_audio_is_no_practice_recording(
    api: InlineApi, teacher: Account, clip_small: Path
) -> None:
    clip = song(api, teacher)
    r = put_audio(api, teacher, clip["id"], clip_small)
    assert r.status_code == 202, r.text
    job = api.wait_job(teacher, r.json()["audio_job_id"])
    steps = {s["name"]: s["state"] for s in job["steps"]}
    assert (job["state"], steps["thumbnails"]) == ("succeeded", "skipped")
    recording = api.recording(teacher, job["recording_id"])
    assert (recording["media_kind"], [x["name"] for x in recording["renditions"]]) == ("audio", ["audio"])
    done = api.http.get(f"/api/v1/songs/{clip['id']}").json()
    assert done["audio_url"] and done["duration_seconds"] == pytest.approx(2.0, abs=0.1)
    # The uploader's practice recordings do not list it
    mine = api.http.get("/api/v1/recordings", headers=teacher.headers, params={"limit": 100}).json()
    assert job["recording_id"] not in [item["id"] for item in mine["items"]]


def test_a_replaced_audio_stays_served_until_the_new_one_is_ready_and_the_old_is_removed(
    api: InlineApi, teacher: Account, media_dir: Path
) -> None:
    first_file = media.audio_file(media_dir / "first.wav", seconds=1.0)
    second_file = media.audio_file(media_dir / "second.mp3", seconds=3.0)
    record = album(api, teacher)
    track = song(api, teacher, album_id=record["id"])
    first = processed(api, teacher, track["id"], first_file)
    old_recording = recording_of(api, teacher, first["audio_job_id"])

    # While the new upload is processing, the first is still what the song plays
    r = put_audio(api, teacher, track["id"], second_file)
    assert r.status_code == 202, r.text
    pending = r.json()
    assert (pending["audio_status"], pending["audio_url"]) == ("processing", first["audio_url"])
    assert pending["duration_seconds"] == first["duration_seconds"]
    # A client polling the song is told "not modified" until the audio's state moves
    path = f"/api/v1/songs/{track['id']}"
    tag = api.http.get(path, headers=teacher.headers).headers["etag"]
    polled = api.http.get(path, headers={**teacher.headers, "If-None-Match": tag})
    assert (polled.status_code, polled.content) == (304, b"")

    # Once it is ready, it replaces the first, whose rows and objects go
    now = finished(api, teacher, track["id"], pending["audio_job_id"])
    assert api.http.get(path, headers={**teacher.headers, "If-None-Match": tag}).status_code == 200
    assert now["duration_seconds"] == pytest.approx(3.0, abs=0.1) and now["audio_url"] != first["audio_url"]
    assert error_of(api.http.get(f"/api/v1/recordings/{old_recording}", headers=teacher.headers)) == (
        404,
        "recording_not_found",
    )
    assert api.http.get(first["audio_url"]).status_code == 404
    total = api.http.get(f"/api/v1/albums/{record['id']}").json()["total_duration_seconds"]
    assert total == pytest.approx(3.0, abs=0.1)


def test_a_failed_replacement_keeps_the_old_audio(api: InlineApi, teacher: Account, media_dir: Path) -> None:
    good = media.audio_file(media_dir / "good.wav", seconds=1.0)
    broken = media_dir / "broken.flac"
    broken.write_bytes(b"fLaC" + bytes(4096))  # a FLAC header and nothing playable
    track = song(api, teacher)
    first = processed(api, teacher, track["id"], good)
    failed = processed(api, teacher, track["id"], broken)
    assert (failed["audio_status"], failed["audio_error_code"]) == ("failed", "truncated_media")
    assert failed["audio_url"] == first["audio_url"] and failed["duration_seconds"] == first["duration_seconds"]


def test_album_totals_follow_audio_and_deleted_songs(api: InlineApi, teacher: Account, media_dir: Path) -> None:
    one_s = media.audio_file(media_dir / "one.wav", seconds=1.0)
    two_s = media.audio_file(media_dir / "two.wav", seconds=2.0)
    record = album(api, teacher)
    a, b = song(api, teacher, album_id=record["id"]), song(api, teacher, album_id=record["id"])
    processed(api, teacher, a["id"], one_s)
    processed(api, teacher, b["id"], two_s)

    def totals() -> tuple[int, float]:
        body = api.http.get("/api/v1/albums", params={"q": record["title"]}).json()["items"][0]
        return body["song_count"], body["total_duration_seconds"]

    assert totals() == (2, pytest.approx(3.0, abs=0.2))
    processed(api, teacher, a["id"], two_s)  # replaced by a longer file
    assert totals() == (2, pytest.approx(4.0, abs=0.2))
    assert api.http.delete(f"/api/v1/songs/{b['id']}", headers=teacher.headers).status_code == 204
    assert totals() == (1, pytest.approx(2.0, abs=0.1))


def test_deleting_the_audio_recording_leaves_the_song_without_audio_or_length(
    api: InlineApi, teacher: Account, media_dir: Path
) -> None:
    record = album(api, teacher)
    track = song(api, teacher, album_id=record["id"])
    done = processed(api, teacher, track["id"], media.audio_file(media_dir / "one.wav", seconds=1.0))
    recording_id = recording_of(api, teacher, done["audio_job_id"])
    assert api.http.delete(f"/api/v1/recordings/{recording_id}", headers=teacher.headers).status_code == 204
    after = api.http.get(f"/api/v1/songs/{track['id']}").json()
    assert (after["audio_url"], after["duration_seconds"], after["audio_status"]) == (None, None, None)
    assert api.http.get(f"/api/v1/albums/{record['id']}").json()["total_duration_seconds"] == 0.0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (NOT_MEDIA, "not_media"),
        (b"#EXTM3U\nfile:///etc/passwd\n", "playlist_not_allowed"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image_not_supported"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_audio_is_refused_on_sight_and_nothing_is_kept(
    api: InlineApi, teacher: Account, content: bytes, code: str
) -> None:
    track = song(api, teacher)
    assert error_of(put_audio(api, teacher, track["id"], content=content)) == (422, code)
    after = api.http.get(f"/api/v1/songs/{track['id']}").json()
    assert (after["audio_status"], after["audio_job_id"]) == (None, None)


def test_a_silent_video_fails_with_no_audio_stream(api: InlineApi, teacher: Account, media_dir: Path) -> None:
    silent = media.video_clip(media_dir / "silent.mp4", width=320, height=180, seconds=1, audio=False)
    track = song(api, teacher)
    done = processed(api, teacher, track["id"], silent)
    assert (done["audio_status"], done["audio_error_code"], done["audio_url"]) == ("failed", "no_audio_stream", None)


def test_a_songs_audio_is_not_replaced_behind_the_songs_back(
    api: InlineApi, teacher: Account, media_dir: Path
) -> None:
    good = media.audio_file(media_dir / "good-song.wav", seconds=1.0)
    track = song(api, teacher)
    done = processed(api, teacher, track["id"], good)
    recording_id = recording_of(api, teacher, done["audio_job_id"])
    # The uploader owns the audio's recording, but its file changes only through the song
    files = {"file": ("other.wav", good.read_bytes(), "audio/wav")}
    r = api.http.put(f"/api/v1/recordings/{recording_id}/file", headers=teacher.headers, files=files)
    assert (r.status_code, r.json()["error_code"]) == (409, "recording_is_song_audio")
