"""Rendition ladder: which sizes each kind of source gets (aspect kept, never upscaled)."""

from __future__ import annotations

import pytest

from pipelines.ladder import (
    THUMBNAIL_WIDTH,
    VIDEO_CRF,
    plan_renditions,
    poster_width,
    thumbnail_width,
    video_bitrate_for,
)
from pipelines.media import AudioStream, MediaInfo, VideoStream


def video_info(width: int, height: int, rotation: int = 0) -> MediaInfo:
    sideways = rotation in (90, 270)
    video = VideoStream(
        codec="h264",
        width=width,
        height=height,
        rotation=rotation,
        display_width=height if sideways else width,
        display_height=width if sideways else height,
        fps=30.0,
        bit_rate=None,
        pix_fmt="yuv420p",
        frames=300,
        index=0,
    )
    audio = AudioStream(codec="aac", channels=2, sample_rate=48000, bit_rate=128_000, index=1)
    return MediaInfo("video", "mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1_000_000, None, video, audio)


AUDIO_ONLY = MediaInfo("audio", "mp3", 60.0, 1_000_000, 128_000, None, AudioStream("mp3", 2, 44100, 128_000, 0))


@pytest.mark.parametrize(
    ("width", "height", "rotation", "expected"),
    [
        (3840, 2160, 0, [("hd", 1280, 720), ("sd", 854, 480)]),
        (1920, 1080, 0, [("hd", 1280, 720), ("sd", 854, 480)]),
        (1280, 720, 0, [("hd", 1280, 720), ("sd", 854, 480)]),
        (960, 540, 0, [("hd", 960, 540), ("sd", 854, 480)]),
        (854, 480, 0, [("sd", 854, 480)]),
        (640, 360, 0, [("sd", 640, 360)]),
        (853, 480, 0, [("sd", 852, 480)]),  # odd width rounds down, never up
        (1080, 1920, 0, [("hd", 720, 1280), ("sd", 480, 854)]),
        (1920, 1080, 90, [("hd", 720, 1280), ("sd", 480, 854)]),
        (1920, 1080, 270, [("hd", 720, 1280), ("sd", 480, 854)]),
        (1920, 1080, 180, [("hd", 1280, 720), ("sd", 854, 480)]),
        (1080, 1080, 0, [("hd", 720, 720), ("sd", 480, 480)]),
    ],
)
def test_plan_renditions_sizes(width: int, height: int, rotation: int, expected: list[tuple[str, int, int]]) -> None:
    specs = plan_renditions(video_info(width, height, rotation))

    assert [(s.name, s.width, s.height) for s in specs] == expected
    assert [s.filename for s in specs] == [f"{name}.mp4" for name, _, _ in expected]


@pytest.mark.parametrize(
    ("width", "height", "rotation"),
    [(3840, 2160, 0), (1920, 1080, 0), (1280, 720, 0), (854, 480, 0), (640, 360, 0),
     (1080, 1920, 0), (1920, 1080, 90), (2000, 400, 0), (17, 17, 0)],
)  # fmt: skip
def test_renditions_are_even_never_upscaled_and_keep_aspect(width: int, height: int, rotation: int) -> None:
    info = video_info(width, height, rotation)
    assert info.video is not None
    display_w, display_h = info.video.display_width, info.video.display_height

    for spec in plan_renditions(info):
        assert spec.width % 2 == 0 and spec.height % 2 == 0
        assert spec.width <= display_w and spec.height <= display_h
        # Within the rounding of one even step on each side.
        assert abs(spec.width / spec.height - display_w / display_h) < 0.02 * display_w / display_h
        assert spec.audio_bitrate == 128_000
        assert spec.maxrate > spec.video_bitrate and spec.bufsize >= spec.maxrate
        assert spec.crf == VIDEO_CRF


def test_bitrates_scale_with_pixel_count() -> None:
    hd, sd = plan_renditions(video_info(1920, 1080))
    (small,) = plan_renditions(video_info(640, 360))

    assert 2_500_000 <= hd.video_bitrate <= 3_500_000
    assert 1_000_000 <= sd.video_bitrate <= 1_400_000
    assert small.video_bitrate < sd.video_bitrate < hd.video_bitrate
    assert video_bitrate_for(16, 16) > 0


def test_audio_only_has_no_renditions_and_no_images() -> None:
    assert plan_renditions(AUDIO_ONLY) == []
    with pytest.raises(ValueError):
        poster_width(AUDIO_ONLY)


@pytest.mark.parametrize(
    ("width", "height", "rotation", "poster", "thumbnail"),
    [
        (1920, 1080, 0, 1280, THUMBNAIL_WIDTH),
        (1080, 1920, 0, 1080, THUMBNAIL_WIDTH),
        (1920, 1080, 90, 1080, THUMBNAIL_WIDTH),
        (640, 360, 0, 640, THUMBNAIL_WIDTH),
        (201, 113, 0, 200, 200),
    ],
)
def test_image_widths_are_capped_by_the_source(
    width: int, height: int, rotation: int, poster: int, thumbnail: int
) -> None:
    info = video_info(width, height, rotation)

    assert poster_width(info) == poster
    assert thumbnail_width(info) == thumbnail
