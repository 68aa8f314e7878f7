"""ffmpeg argument lists: one decode, cascaded scaling, locked-down inputs, input seeking."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from pipelines.ffmpeg_args import (
    BASE_ARGS,
    render_audio_args,
    render_video_args,
    thumbnail_args,
    thumbnail_time,
    timeout_for,
    video_encoder_args,
)
from pipelines.ladder import plan_renditions
from pipelines.media import AudioStream, MediaInfo, VideoStream
from pipelines.probe import ALLOWED_DEMUXERS

SRC = "/tmp/job/original"


def video_info(width: int, height: int, rotation: int = 0, *, audio: bool = True) -> MediaInfo:
    sideways = rotation in (90, 270)
    video = VideoStream(
        "h264", width, height, rotation, height if sideways else width,
        width if sideways else height, 30.0, None, "yuv420p", 300, 0,
    )  # fmt: skip
    stream = AudioStream("aac", 2, 48000, 128_000, 1) if audio else None
    return MediaInfo("video", "mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1, None, video, stream)


def video_argv(info: MediaInfo) -> list[str]:
    specs = plan_renditions(info)
    return render_video_args(SRC, [(s, f"/tmp/job/{s.filename}") for s in specs], info)


def value_after(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def scales(graph: str) -> list[tuple[int, int]]:
    return [(int(w), int(h)) for w, h in re.findall(r"scale=(-?\d+):(-?\d+)", graph)]


def assert_locked_down_input(argv: list[str]) -> None:
    i = argv.index("-i")
    assert argv.count("-i") == 1
    assert argv[i + 1] == SRC
    assert "-nostdin" in argv
    # Both whitelists are input options, so they must come before the -i they guard.
    assert argv.index("-protocol_whitelist") < i
    assert value_after(argv, "-protocol_whitelist") == "file,pipe"
    assert argv.index("-format_whitelist") < i
    assert value_after(argv, "-format_whitelist") == ALLOWED_DEMUXERS
    assert value_after(argv, "-progress") == "pipe:1"


@pytest.mark.parametrize(
    ("width", "height", "rotation", "expected_scales", "outputs"),
    [
        (3840, 2160, 0, [(1280, 720), (854, 480)], ["hd.mp4", "sd.mp4"]),
        (1920, 1080, 0, [(1280, 720), (854, 480)], ["hd.mp4", "sd.mp4"]),
        (1280, 720, 0, [(1280, 720), (854, 480)], ["hd.mp4", "sd.mp4"]),
        (854, 480, 0, [(854, 480)], ["sd.mp4"]),
        (640, 360, 0, [(640, 360)], ["sd.mp4"]),
        (1080, 1920, 0, [(720, 1280), (480, 854)], ["hd.mp4", "sd.mp4"]),
        (1920, 1080, 90, [(720, 1280), (480, 854)], ["hd.mp4", "sd.mp4"]),
    ],
)
def test_render_video_args(
    width: int,
    height: int,
    rotation: int,
    expected_scales: list[tuple[int, int]],
    outputs: list[str],
) -> None:
    info = video_info(width, height, rotation)
    argv = video_argv(info)
    graph = value_after(argv, "-filter_complex")

    assert argv[: len(BASE_ARGS)] == BASE_ARGS
    assert_locked_down_input(argv)
    # Cascade: the largest size comes first and is the only scale fed by the source.
    assert scales(graph) == expected_scales
    assert graph.startswith("[0:0]scale=")
    assert graph.count("[0:") == 1
    assert ("split=2" in graph) == (len(outputs) == 2)
    if len(outputs) == 2:
        first, second = graph.split(";")
        assert first.endswith("split=2[v0][c0]") and second.startswith("[c0]scale=")
    # Never upscale: every scale fits the displayed (rotated) source.
    display = (height, width) if rotation in (90, 270) else (width, height)
    assert all(w <= display[0] and h <= display[1] for w, h in scales(graph))
    # Autorotate stays on (the default), so the graph sees the picture upright.
    assert "-noautorotate" not in argv
    assert [a for a in argv if a.endswith(".mp4")] == [f"/tmp/job/{o}" for o in outputs]
    assert argv.count("-map") == 2 * len(outputs)
    labels = [value_after(argv[i:], "-map") for i, a in enumerate(argv) if a == "-map"][::2]
    assert labels == [f"[v{i}]" for i in range(len(outputs))]
    assert all(label in graph for label in labels)
    assert argv.count("0:a:0?") == len(outputs)
    for flag, value in [
        ("-c:v", "libx264"), ("-preset", "veryfast"), ("-profile:v", "high"),
        ("-pix_fmt", "yuv420p"), ("-c:a", "aac"), ("-b:a", "128k"), ("-ac", "2"),
        ("-movflags", "+faststart"), ("-f", "mp4"),
    ]:  # fmt: skip
        assert argv.count(flag) == len(outputs), flag
        assert value_after(argv, flag) == value, flag


@pytest.mark.parametrize(
    ("width", "height", "crf", "maxrate", "bufsize"),
    [
        (1920, 1080, ["23", "23"], ["4500k", "1800k"], ["6000k", "2400k"]),
        (1280, 720, ["23", "23"], ["4500k", "1800k"], ["6000k", "2400k"]),
        (1080, 1920, ["23", "23"], ["4500k", "1800k"], ["6000k", "2400k"]),
        (640, 360, ["23"], ["937500"], ["1250k"]),
    ],
)
def test_each_rendition_gets_capped_quality_from_the_ladder(
    width: int, height: int, crf: list[str], maxrate: list[str], bufsize: list[str]
) -> None:
    argv = video_argv(video_info(width, height))

    def values(flag: str) -> list[str]:
        return [argv[i + 1] for i, a in enumerate(argv) if a == flag]

    assert values("-crf") == crf
    assert values("-maxrate") == maxrate
    assert values("-bufsize") == bufsize
    # Constant quality, not an average target: -b:v would make x264 spend the cap on easy content.
    assert values("-b:v") == []


@pytest.mark.parametrize(
    ("name", "width", "height", "crf", "expected"),
    [
        ("hd", 1280, 720, 23, ["-crf", "23", "-maxrate", "4500k", "-bufsize", "6000k"]),
        ("sd", 854, 480, 23, ["-crf", "23", "-maxrate", "1800k", "-bufsize", "2400k"]),
        ("sd", 854, 480, 28, ["-crf", "28", "-maxrate", "1800k", "-bufsize", "2400k"]),
    ],
)
def test_video_encoder_args_take_crf_and_caps_from_the_spec(
    name: str, width: int, height: int, crf: int, expected: list[str]
) -> None:
    spec = replace(next(s for s in plan_renditions(video_info(1920, 1080)) if s.name == name), crf=crf)
    assert (spec.width, spec.height) == (width, height)

    argv = video_encoder_args(spec)

    assert argv[argv.index("-crf") :] == expected
    assert value_after(argv, "-c:v") == "libx264" and value_after(argv, "-pix_fmt") == "yuv420p"


def test_outputs_are_rendered_largest_first_whatever_the_order_given() -> None:
    info = video_info(1920, 1080)
    specs = plan_renditions(info)
    pairs = [(s, f"/tmp/job/{s.filename}") for s in reversed(specs)]

    argv = render_video_args(SRC, pairs, info)

    assert scales(value_after(argv, "-filter_complex")) == [(1280, 720), (854, 480)]
    assert argv.index("/tmp/job/hd.mp4") < argv.index("/tmp/job/sd.mp4")


def test_video_without_audio_renders_without_audio() -> None:
    argv = video_argv(video_info(1920, 1080, audio=False))

    assert "0:a:0?" not in argv and "-c:a" not in argv
    assert argv.count("-an") == 2


def test_render_video_args_refuses_an_upscale() -> None:
    big = plan_renditions(video_info(1920, 1080))
    small = video_info(640, 360)

    with pytest.raises(ValueError, match="upscale"):
        render_video_args(SRC, [(big[0], "/tmp/job/hd.mp4")], small)


def test_render_audio_args_one_decode_two_outputs() -> None:
    argv = render_audio_args(SRC, "/tmp/job/audio.m4a", "/tmp/job/wave.pcm", pcm_rate=800)

    assert_locked_down_input(argv)
    assert "-filter_complex" not in argv
    m4a, pcm = argv.index("/tmp/job/audio.m4a"), argv.index("/tmp/job/wave.pcm")
    assert m4a < pcm
    aac_part, pcm_part = argv[:m4a], argv[m4a:pcm]
    assert value_after(aac_part, "-c:a") == "aac" and value_after(aac_part, "-b:a") == "128k"
    assert value_after(aac_part, "-movflags") == "+faststart"
    assert value_after(pcm_part, "-c:a") == "pcm_s16le"
    assert value_after(pcm_part, "-ac") == "1" and value_after(pcm_part, "-ar") == "800"
    assert value_after(pcm_part, "-f") == "s16le"


@pytest.mark.parametrize(
    ("poster", "expected_scales", "jpegs"),
    [
        (("/tmp/job/poster.jpg", 1280), [(1280, -2), (320, -2)], 2),
        (None, [(320, -2)], 1),
    ],
)
def test_thumbnail_args_seek_on_input(
    poster: tuple[str, int] | None, expected_scales: list[tuple[int, int]], jpegs: int
) -> None:
    argv = thumbnail_args(SRC, at_seconds=12.5, thumbnail=("/tmp/job/thumbnail.jpg", 320), poster=poster)

    assert_locked_down_input(argv)
    # -ss before -i seeks the demuxer; after -i it would decode everything up to 12.5 s.
    assert argv.count("-ss") == 1 and argv.index("-ss") < argv.index("-i")
    assert value_after(argv, "-ss") == "12.500"
    assert scales(value_after(argv, "-filter_complex")) == expected_scales
    assert argv.count("-frames:v") == jpegs and value_after(argv, "-frames:v") == "1"
    assert argv.count("-q:v") == jpegs and value_after(argv, "-q:v") == "3"
    assert argv[-1] == "/tmp/job/thumbnail.jpg"


@pytest.mark.parametrize(("duration", "expected"), [(100.0, 10.0), (3.0, 0.3), (0.0, 0.0)])
def test_thumbnail_time_is_ten_percent(duration: float, expected: float) -> None:
    assert thumbnail_time(duration) == pytest.approx(expected)


def test_timeout_grows_with_duration() -> None:
    assert timeout_for(0) >= 30
    assert timeout_for(3600) > timeout_for(60) > timeout_for(0)
    assert timeout_for(600) >= 600  # never shorter than real time
