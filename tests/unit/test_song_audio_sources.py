"""What a song's audio may be made of: tags as read from a file, and the containers accepted on sight."""

from __future__ import annotations

import pytest

from core.errors import InvalidMedia
from pipelines.audio_sources import audio_only, refusal_of, source_format
from pipelines.media import AudioStream, MediaInfo, VideoStream
from pipelines.tags import MediaTags, clean_text, parse_genres, parse_track, parse_year, tags_from_mapping


@pytest.mark.parametrize(
    ("value", "track"), [("3", 3), ("3/12", 3), (" 07 / 10 ", 7), ("0", None), ("A1", None), ("", None), (None, None)]
)
def test_track_numbers(value: object, track: int | None) -> None:
    assert parse_track(value) == track


@pytest.mark.parametrize(
    ("value", "year"), [("1999", 1999), ("2019-05-01", 2019), ("0999", None), ("2200", None), ("May 2019", None)]
)
def test_years(value: str, year: int | None) -> None:
    assert parse_year(value) == year


def test_genres_split_deduplicated_by_case_bounded_and_texts_cleaned() -> None:
    assert parse_genres(["Jazz; Bebop", "jazz", "  "]) == ("Jazz", "Bebop")
    assert parse_genres(["x" * 61, "Folk"]) == ("Folk",)
    assert len(parse_genres([";".join(f"g{i}" for i in range(9))])) == 5
    assert clean_text("a\x00b\n  c") == "a b c"
    assert clean_text("y" * 300) == "y" * 200
    assert clean_text("   ") is None


def test_tags_from_an_easy_mapping() -> None:
    tags = {"title": ["Blue"], "artist": ["Miles"], "album": ["Kind"], "tracknumber": ["2/5"], "date": ["1959"]}
    assert tags_from_mapping({**tags, "genre": ["Jazz"]}) == MediaTags("Blue", "Miles", "Kind", 2, 1959, ("Jazz",))
    assert tags_from_mapping(None) == MediaTags()


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "RIFF (WAV/AVI)"),
        (b"ID3\x04\x00", "MP3"),
        (b"\xff\xfb\x90\x00", "MPEG audio"),
        (b"\xff\xf1\x50\x80", "MPEG audio"),  # ADTS AAC
        (b"fLaC\x00\x00", "FLAC"),
        (b"OggS\x00\x02", "Ogg"),
        (b"\x00\x00\x00\x20ftypM4A ", "MP4/QuickTime"),
        (b"\x00\x00\x00\x08wide", "MP4/QuickTime"),
        (b"\x1a\x45\xdf\xa3\x01", "Matroska/WebM"),
        (b"hello, this is text", None),
    ],
)
def test_source_formats(head: bytes, name: str | None) -> None:
    assert source_format(head) == name


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"ID3\x04\x00" + bytes(100), None),
        (b"notes about my practice\n" * 10, "not_media"),
        (b"\x89PNG\r\n\x1a\n" + bytes(32), "image_not_supported"),
        (b"#EXTM3U\nhttp://x/a.ts\n", "playlist_not_allowed"),
        (bytes(64), "not_media"),
        (b"", "empty_file"),
    ],
)
def test_refusals_on_sight(head: bytes, code: str | None) -> None:
    assert refusal_of(head) == code


def _info(*, video: bool, audio: bool) -> MediaInfo:
    picture = VideoStream("h264", 640, 360, 0, 640, 360, 30.0, None, "yuv420p", None, 0) if video else None
    sound = AudioStream("aac", 2, 48000, None, 1) if audio else None
    return MediaInfo("video" if video else "audio", "mov,mp4", 2.0, 1000, None, picture, sound)


def test_a_video_gives_its_sound_only_and_a_silent_one_nothing() -> None:
    kept = audio_only(_info(video=True, audio=True))
    sound = _info(video=False, audio=True).audio
    assert (kept.kind, kept.video, kept.audio, kept.duration) == ("audio", None, sound, 2.0)
    with pytest.raises(InvalidMedia) as refused:
        audio_only(_info(video=True, audio=False))
    assert refused.value.error_code == "no_audio_stream"
