"""Which renditions a source gets: HD and SD boxes, aspect kept, never upscaled.

Decisions use the DISPLAY size (after rotation), because ffmpeg's autorotate turns the picture
upright before our filters see it: a portrait phone clip gets portrait renditions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipelines.media import MediaInfo

THUMBNAIL_WIDTH = 320
POSTER_WIDTH = 1280
AUDIO_BITRATE = 128_000

_HD_BOX = (1280, 720)
_SD_BOX = (854, 480)
_HD_BITRATE = 3_000_000
_SD_BITRATE = 1_200_000
_MIN_BITRATE = 200_000
#: x264's own default quality. Constant quality spends bits only where the picture needs them: a
#: clean, steady practice video comes out a fraction of the ladder's rate at the same SSIM.
VIDEO_CRF = 23
# Bitrate grows with pixel count along the curve through the two anchors (HD 3 Mb/s at
# 1280x720, SD 1.2 Mb/s at 854x480): bits per pixel fall slightly as frames get bigger.
_BITRATE_EXPONENT = math.log(_SD_BITRATE / _HD_BITRATE) / math.log(
    (_SD_BOX[0] * _SD_BOX[1]) / (_HD_BOX[0] * _HD_BOX[1])
)


@dataclass(frozen=True, slots=True)
class RenditionSpec:
    """One output: its size, and capped-quality rate control (CRF under a VBV of maxrate/bufsize).

    ``video_bitrate`` is the ladder's nominal rate for the size; the caps derive from it. The
    encoder aims at ``crf`` and the VBV keeps hard content (grain, fast motion) at or below
    ``maxrate``, so a rendition is never larger than the ladder allows, only smaller.
    """

    name: str
    width: int
    height: int
    video_bitrate: int
    maxrate: int
    bufsize: int
    audio_bitrate: int
    filename: str
    crf: int = VIDEO_CRF


def _even(value: float, limit: int) -> int:
    """Nearest even integer (H.264 4:2:0 needs even sides), never above ``limit``."""
    result = int(value / 2 + 0.5) * 2
    if result > limit:
        result -= 2
    return max(result, 2)


def _fit(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """Largest even size inside ``box`` with the source's aspect ratio, at most the source."""
    box_w, box_h = box if width >= height else (box[1], box[0])
    scale = min(1.0, box_w / width, box_h / height)
    return (
        _even(width * scale, min(width, box_w)),
        _even(height * scale, min(height, box_h)),
    )


def video_bitrate_for(width: int, height: int) -> int:
    """Average video bitrate (bits/s) for a frame size, rounded to whole kb/s."""
    pixels = width * height
    bitrate = _HD_BITRATE * (pixels / (_HD_BOX[0] * _HD_BOX[1])) ** _BITRATE_EXPONENT
    return max(_MIN_BITRATE, round(bitrate / 1000) * 1000)


def _spec(name: str, size: tuple[int, int]) -> RenditionSpec:
    bitrate = video_bitrate_for(*size)
    return RenditionSpec(
        name=name,
        width=size[0],
        height=size[1],
        video_bitrate=bitrate,
        # The cap: up to 1.5x the nominal rate, smoothed over a 2 s buffer, so a phone on a weak
        # connection is not starved by one complex scene and grain cannot inflate the file.
        maxrate=bitrate * 3 // 2,
        bufsize=bitrate * 2,
        audio_bitrate=AUDIO_BITRATE,
        filename=f"{name}.mp4",
    )


def plan_renditions(info: MediaInfo) -> list[RenditionSpec]:
    """Renditions to render, largest first; [] for audio-only media.

    A source that already fits the SD box gets only ``sd``, at its own size; a larger one gets
    ``hd`` (fitted to 1280x720, or its own size if smaller) and ``sd`` (fitted to 854x480).
    """
    video = info.video
    if video is None:
        return []
    width, height = video.display_width, video.display_height
    sd = _fit(width, height, _SD_BOX)
    hd = _fit(width, height, _HD_BOX)
    if hd == sd:
        return [_spec("sd", sd)]
    return [_spec("hd", hd), _spec("sd", sd)]


def _capped_width(info: MediaInfo, width: int) -> int:
    if info.video is None:
        raise ValueError("audio-only media has no picture to make images from")
    display_width = info.video.display_width
    return _even(min(width, display_width), display_width)


def poster_width(info: MediaInfo) -> int:
    """Poster width: 1280 px, or the source's display width if narrower (never upscaled)."""
    return _capped_width(info, POSTER_WIDTH)


def thumbnail_width(info: MediaInfo) -> int:
    """Thumbnail width: 320 px, or the source's display width if narrower."""
    return _capped_width(info, THUMBNAIL_WIDTH)
