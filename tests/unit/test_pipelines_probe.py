"""Probe parsing and validation against ffprobe 5.1 output recorded from real files.

The fixtures keep only the fields the parser reads (plus a few it must ignore); values are
verbatim from ``ffprobe -print_format json -show_format -show_streams``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.errors import InvalidMedia
from pipelines.media import MediaInfo, parse_probe, validate_media
from pipelines.probe import ALLOWED_DEMUXERS, probe_command
from pipelines.sniff import classify_probe_failure, sniff

NO_DISPOSITION = {"default": 1, "attached_pic": 0, "still_image": 0}

MP4_1080P: dict[str, Any] = {
    "streams": [
        {"index": 0, "codec_name": "h264", "codec_type": "video", "width": 1920, "height": 1080,
         "coded_width": 1920, "coded_height": 1080, "pix_fmt": "yuv420p",
         "r_frame_rate": "30000/1001", "avg_frame_rate": "30000/1001", "duration": "1.001000",
         "bit_rate": "15442845", "nb_frames": "30", "disposition": NO_DISPOSITION},
        {"index": 1, "codec_name": "aac", "codec_type": "audio", "sample_rate": "48000",
         "channels": 2, "channel_layout": "stereo", "r_frame_rate": "0/0",
         "avg_frame_rate": "0/0", "duration": "1.000000", "bit_rate": "127621",
         "nb_frames": "48", "disposition": NO_DISPOSITION},
    ],
    "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "nb_streams": 2,
               "duration": "1.001000", "size": "1950859", "bit_rate": "15591280"},
}  # fmt: skip

PHONE_PORTRAIT: dict[str, Any] = {
    "streams": [
        {"index": 0, "codec_name": "h264", "codec_type": "video", "width": 640, "height": 360,
         "pix_fmt": "yuv420p", "r_frame_rate": "25/1", "avg_frame_rate": "25/1",
         "duration": "1.000000", "bit_rate": "741064", "nb_frames": "25",
         "disposition": NO_DISPOSITION,
         "side_data_list": [{
             "side_data_type": "Display Matrix",
             "displaymatrix": "\n00000000:            0       65536           0\n00000001:"
                              "       -65536           0           0\n00000002:            0"
                              "           0  1073741824\n",
             "rotation": -90}]},
        {"index": 1, "codec_name": "aac", "codec_type": "audio", "sample_rate": "44100",
         "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0",
         "bit_rate": "70280", "nb_frames": "45", "disposition": NO_DISPOSITION},
    ],
    "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "1.000000",
               "size": "103899", "bit_rate": "831192"},
}  # fmt: skip

MP3_WITH_COVER: dict[str, Any] = {
    "streams": [
        {"index": 0, "codec_name": "mp3", "codec_type": "audio", "sample_rate": "44100",
         "channels": 1, "r_frame_rate": "0/0", "avg_frame_rate": "0/0",
         "duration": "2.037551", "bit_rate": "64000", "disposition": NO_DISPOSITION},
        {"index": 1, "codec_name": "png", "codec_type": "video", "width": 300, "height": 300,
         "pix_fmt": "rgb24", "r_frame_rate": "90000/1", "avg_frame_rate": "0/0",
         "duration": "2.037556", "tags": {"comment": "Other"},
         "disposition": {"default": 0, "attached_pic": 1, "still_image": 0}},
    ],
    "format": {"format_name": "mp3", "duration": "2.037551", "size": "26450",
               "bit_rate": "103850"},
}  # fmt: skip

WAV: dict[str, Any] = {
    "streams": [
        {"index": 0, "codec_name": "pcm_s16le", "codec_type": "audio", "sample_rate": "48000",
         "channels": 2, "r_frame_rate": "0/0", "avg_frame_rate": "0/0",
         "duration": "3.000000", "bit_rate": "1536000", "disposition": NO_DISPOSITION},
    ],
    "format": {"format_name": "wav", "duration": "3.000000", "size": "576078",
               "bit_rate": "1536208"},
}  # fmt: skip

PNG_STILL: dict[str, Any] = {
    "streams": [
        {"index": 0, "codec_name": "png", "codec_type": "video", "width": 300, "height": 300,
         "pix_fmt": "rgb24", "r_frame_rate": "25/1", "avg_frame_rate": "25/1",
         "disposition": NO_DISPOSITION},
    ],
    "format": {"format_name": "png_pipe", "size": "9874", "nb_streams": 1},
}  # fmt: skip

NO_STREAMS: dict[str, Any] = {"streams": [], "format": {"format_name": "mp3", "size": "417"}}

NO_DURATION: dict[str, Any] = {
    "streams": [{**WAV["streams"][0], "duration": "N/A"}],
    "format": {"format_name": "wav", "size": "44"},
}


def test_parse_1080p_mp4() -> None:
    info = parse_probe(MP4_1080P, size_bytes=1950859)

    assert info.kind == "video"
    assert info.format_name == "mov,mp4,m4a,3gp,3g2,mj2"
    assert info.duration == pytest.approx(1.001)
    assert (info.size_bytes, info.bit_rate) == (1950859, 15591280)
    assert info.video is not None and info.audio is not None
    v = info.video
    assert (v.codec, v.width, v.height, v.rotation) == ("h264", 1920, 1080, 0)
    assert (v.display_width, v.display_height) == (1920, 1080)
    assert v.fps == pytest.approx(29.97)
    assert (v.bit_rate, v.pix_fmt, v.frames) == (15442845, "yuv420p", 30)
    a = info.audio
    assert (a.codec, a.channels, a.sample_rate, a.bit_rate) == ("aac", 2, 48000, 127621)


def test_parse_phone_clip_with_display_matrix_rotation() -> None:
    info = parse_probe(PHONE_PORTRAIT, size_bytes=103899)

    assert info.video is not None
    assert (info.video.width, info.video.height) == (640, 360)
    assert info.video.rotation == 90
    assert (info.video.display_width, info.video.display_height) == (360, 640)


@pytest.mark.parametrize(
    ("side_data", "tags", "expected"),
    [
        ([{"side_data_type": "Display Matrix", "rotation": -90}], {}, 90),
        ([{"side_data_type": "Display Matrix", "rotation": 90}], {}, 270),
        ([{"side_data_type": "Display Matrix", "rotation": 180}], {}, 180),
        ([{"side_data_type": "Display Matrix", "rotation": -180}], {}, 180),
        ([{"side_data_type": "Display Matrix", "rotation": -89.9}], {}, 90),
        ([], {"rotate": "90"}, 90),  # legacy tag written by ffmpeg < 5
        ([], {"rotate": "270"}, 270),
        ([], {}, 0),
    ],
)
def test_rotation_normalised(side_data: list[Any], tags: dict[str, str], expected: int) -> None:
    stream = {**PHONE_PORTRAIT["streams"][0], "side_data_list": side_data, "tags": tags}
    info = parse_probe({**PHONE_PORTRAIT, "streams": [stream]}, size_bytes=1)

    assert info.video is not None and info.video.rotation == expected
    swapped = expected in (90, 270)
    assert info.video.display_width == (360 if swapped else 640)


def test_mp3_with_cover_art_is_audio() -> None:
    info = parse_probe(MP3_WITH_COVER, size_bytes=26450)

    assert info.kind == "audio"
    assert info.video is None
    assert info.audio is not None and info.audio.codec == "mp3"


def test_wav_is_audio() -> None:
    info = parse_probe(WAV, size_bytes=576078)

    assert (info.kind, info.duration) == ("audio", 3.0)
    assert info.audio is not None and info.audio.channels == 2


def test_unknown_frame_rate_does_not_divide_by_zero() -> None:
    stream = {**MP4_1080P["streams"][0], "avg_frame_rate": "0/0", "r_frame_rate": "0/0"}
    info = parse_probe({**MP4_1080P, "streams": [stream]}, size_bytes=1)

    assert info.video is not None and info.video.fps == 0.0


def test_to_dict_is_json_safe() -> None:
    info = parse_probe(PHONE_PORTRAIT, size_bytes=103899)

    data = json.loads(json.dumps(info.to_dict()))

    assert data["kind"] == "video"
    assert data["video"]["rotation"] == 90 and data["audio"]["sample_rate"] == 44100


@pytest.mark.parametrize("probed", [PHONE_PORTRAIT, MP3_WITH_COVER, WAV, MP4_1080P], ids=["phone", "mp3", "wav", "1080p"])
def test_stored_media_info_comes_back_whole(probed: dict[str, Any]) -> None:
    info = parse_probe(probed, size_bytes=1234)

    # What the probe step stores (JSONB) is what render and thumbnails read back instead of ffprobe.
    assert MediaInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info


@pytest.mark.parametrize(
    "stored",
    [None, [], "video", {}, {"kind": "video"}, {**parse_probe(WAV, size_bytes=1).to_dict(), "audio": {"codec": "x"}}],
    ids=["none", "list", "str", "empty", "partial", "bad-stream"],
)
def test_stored_media_info_of_another_shape_is_none(stored: object) -> None:
    assert MediaInfo.from_dict(stored) is None


@pytest.mark.parametrize(
    ("data", "error_code"),
    [
        (PNG_STILL, "image_not_supported"),
        ({**MP3_WITH_COVER, "streams": MP3_WITH_COVER["streams"][1:]}, "image_not_supported"),
        (NO_STREAMS, "no_media_stream"),
        ({}, "no_media_stream"),
        (NO_DURATION, "unknown_duration"),
        ({**WAV, "format": {**WAV["format"], "duration": "0.000000"}}, "unknown_duration"),
    ],
)
def test_parse_probe_rejects(data: dict[str, Any], error_code: str) -> None:
    with pytest.raises(InvalidMedia) as excinfo:
        parse_probe(data, size_bytes=100)

    assert excinfo.value.error_code == error_code


def test_duration_falls_back_to_stream_duration() -> None:
    data = {**WAV, "format": {"format_name": "wav"}}

    assert parse_probe(data, size_bytes=1).duration == 3.0


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"", "empty_file"),
        (b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nseg0.ts\n", "playlist_not_allowed"),
        (b"\xef\xbb\xbf#EXTM3U\nhttp://example.com/a.mp3\n", "playlist_not_allowed"),
        (b"ffconcat version 1.0\nfile 'a.mp4'\n", "playlist_not_allowed"),
        (b"file '/etc/passwd'\n", "playlist_not_allowed"),
        (b"https://example.com/a.mp4\nhttps://example.com/b.mp4\n", "playlist_not_allowed"),
        (b"[playlist]\nFile1=http://radio\n", "playlist_not_allowed"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image_not_supported"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image_not_supported"),
        (b"GIF89a\x01\x00\x01\x00", "image_not_supported"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image_not_supported"),
        (b"II*\x00\x08\x00\x00\x00", "image_not_supported"),
        (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00" + b"\x00" * 8,
         "image_not_supported"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image_not_supported"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", None),
        (b"\x00\x00\x00\x1cftypqt  \x00\x00\x00\x00qt  ", None),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00", None),
        (b"\xff\xfb\x90\x00" + b"\x00" * 100, None),
        (b"OggS\x00\x02", None),
        (b"fLaC\x00\x00\x00\x22", None),
    ],
)  # fmt: skip
def test_sniff(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def info_of(duration: float, width: int | None, height: int | None) -> MediaInfo:
    if width is None or height is None:
        return parse_probe({**WAV, "format": {**WAV["format"], "duration": str(duration)}},
                           size_bytes=1)  # fmt: skip
    stream = {**MP4_1080P["streams"][0], "width": width, "height": height}
    fmt = {**MP4_1080P["format"], "duration": str(duration)}
    return parse_probe({"streams": [stream], "format": fmt}, size_bytes=1)


@pytest.mark.parametrize(
    ("duration", "width", "height", "error_code"),
    [
        (60.0, 1920, 1080, None),
        (3600.0, 1920, 1080, None),
        (3600.5, 1920, 1080, "media_too_long"),
        (7200.0, None, None, "media_too_long"),
        (60.0, None, None, None),
        (60.0, 3840, 2160, None),
        (60.0, 4096, 2305, "frame_too_large"),
        (60.0, 7680, 4320, "frame_too_large"),
        (60.0, 16, 16, None),
        (60.0, 15, 720, "frame_too_small"),
        (60.0, 1280, 8, "frame_too_small"),
    ],
)
def test_validate_media(duration: float, width: int | None, height: int | None, error_code: str | None) -> None:
    info = info_of(duration, width, height)
    limits = {"max_seconds": 3600, "max_frame_pixels": 4096 * 2304}

    if error_code is None:
        validate_media(info, **limits)
    else:
        with pytest.raises(InvalidMedia) as excinfo:
            validate_media(info, **limits)
        assert excinfo.value.error_code == error_code


@pytest.mark.parametrize(
    ("head", "stderr", "error_code", "container"),
    [
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "moov atom not found\n", "truncated_media", "MP4"),
        (b"\x1a\x45\xdf\xa3\x01\x00", "EBML header parsing failed\n", "truncated_media",
         "Matroska"),
        (b"RIFF\x00\x00\x00\x00WAVE", "Invalid data found\n", "truncated_media", "RIFF"),
        (b"ID3\x04\x00", "Failed to read frame size\n", "truncated_media", "MP3"),
        (b"OggS\x00", "Invalid data found\n", "truncated_media", "Ogg"),
        (b"fLaC", "Invalid data found\n", "truncated_media", "FLAC"),
        (b"\x13\x37\xbe\xef" * 16, "Invalid data found when processing input\n", "not_media",
         None),
        (b"%PDF-1.7", "Invalid data found when processing input\n", "not_media", None),
    ],
)  # fmt: skip
def test_classify_probe_failure(head: bytes, stderr: str, error_code: str, container: str | None) -> None:
    error = classify_probe_failure(head, stderr)

    assert isinstance(error, InvalidMedia)
    assert error.error_code == error_code
    if container is not None:
        assert container in error.detail and "incomplete or corrupt" in error.detail


def test_probe_command_locks_down_ffprobe() -> None:
    argv = probe_command("/tmp/job/original")

    assert argv[0] == "ffprobe" and argv[-1] == "/tmp/job/original"
    assert argv[argv.index("-protocol_whitelist") + 1] == "file,pipe"
    assert argv[argv.index("-format_whitelist") + 1] == ALLOWED_DEMUXERS
    assert {"-show_format", "-show_streams"} <= set(argv)
    assert argv[argv.index("-print_format") + 1] == "json"


@pytest.mark.parametrize(
    "demuxer", ["hls", "concat", "image2", "jpeg_pipe", "png_pipe", "dash", "sdp", "rtsp",
                "webm_dash_manifest", "lavfi", "tee", "data", "srt", "subviewer"],
)  # fmt: skip
def test_allowed_demuxers_exclude_reference_and_image_formats(demuxer: str) -> None:
    assert demuxer not in ALLOWED_DEMUXERS.split(",")


def test_allowed_demuxers_cover_common_recordings() -> None:
    names = set(ALLOWED_DEMUXERS.split(","))

    assert {"mov", "mp4", "m4a", "matroska", "webm", "avi", "mp3", "wav", "flac", "ogg",
            "aac", "mpegts"} <= names  # fmt: skip
