"""What a probed file contains, parsed from ffprobe JSON into frozen dataclasses.

Kept apart from the code that runs ffprobe so that parsing and validation are pure and can be
tested against recorded ffprobe output without spawning anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from core.errors import InvalidMedia

MIN_FRAME_SIDE = 16

# Codecs that usually carry a single picture (cover art, a photo muxed into a container).
# Motion JPEG video also uses "mjpeg", so a stream with these codecs only counts as a still
# image when nothing says it has more than one frame.
IMAGE_CODECS = frozenset(
    {"mjpeg", "png", "bmp", "gif", "tiff", "webp", "jpeg2000", "jpegls", "qoi", "ppm", "pgm", "pam"}
)


@dataclass(frozen=True, slots=True)
class VideoStream:
    codec: str
    width: int
    height: int
    rotation: int
    display_width: int
    display_height: int
    fps: float
    bit_rate: int | None
    pix_fmt: str | None
    frames: int | None
    #: Absolute stream index in the file, so ffmpeg maps this stream and not cover art.
    index: int | None = None


@dataclass(frozen=True, slots=True)
class AudioStream:
    codec: str
    channels: int
    sample_rate: int
    bit_rate: int | None
    index: int | None = None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    kind: Literal["video", "audio"]
    format_name: str
    duration: float
    size_bytes: int
    bit_rate: int | None
    video: VideoStream | None
    audio: AudioStream | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe metadata to store with the recording (only str/int/float/None/dict)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> MediaInfo | None:
        """The MediaInfo that ``to_dict`` stored, or None when ``data`` is not one (older or other shape).

        Lets later steps reuse the probe step's findings instead of running ffprobe again.
        """
        if not isinstance(data, dict):
            return None
        try:
            video, audio = data.get("video"), data.get("audio")
            return cls(
                **{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name not in ("video", "audio")},
                video=VideoStream(**video) if isinstance(video, dict) else None,
                audio=AudioStream(**audio) if isinstance(audio, dict) else None,
            )
        except (KeyError, TypeError):
            return None


def _int(value: Any) -> int | None:
    """ffprobe prints most numbers as strings and uses "N/A" for unknown ones."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None


def _rate(value: Any) -> float | None:
    """Parse "30000/1001"; "0/0" (unknown) gives None instead of a ZeroDivisionError."""
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return float(rate) if rate > 0 else None


def rotation_of(stream: dict[str, Any]) -> int:
    """Clockwise degrees the picture must turn to display upright: 0, 90, 180 or 270.

    The Display Matrix reports the counter-clockwise angle (a portrait phone clip says -90);
    the legacy ``rotate`` tag (ffmpeg < 5) already says the clockwise angle (90).
    """
    degrees: float | None = None
    for side_data in stream.get("side_data_list") or []:
        if side_data.get("side_data_type") == "Display Matrix" and "rotation" in side_data:
            value = _float(side_data["rotation"])
            degrees = -value if value is not None else None
            break
    if degrees is None:
        degrees = _float((stream.get("tags") or {}).get("rotate")) or 0.0
    return (round(degrees / 90) * 90) % 360


def _is_still_image(stream: dict[str, Any]) -> bool:
    disposition = stream.get("disposition") or {}
    if disposition.get("attached_pic") == 1 or disposition.get("still_image") == 1:
        return True
    if stream.get("codec_name") not in IMAGE_CODECS:
        return False
    frames = _int(stream.get("nb_frames"))
    if frames is not None:
        return frames <= 1
    # No frame count: a real MJPEG video still reports a duration (Matroska: in its tags).
    return _float(stream.get("duration")) is None and "DURATION" not in (stream.get("tags") or {})


def _video_stream(stream: dict[str, Any]) -> VideoStream:
    width = _int(stream.get("width")) or 0
    height = _int(stream.get("height")) or 0
    rotation = rotation_of(stream)
    sideways = rotation in (90, 270)
    fps = _rate(stream.get("avg_frame_rate")) or _rate(stream.get("r_frame_rate")) or 0.0
    return VideoStream(
        codec=str(stream.get("codec_name") or "unknown"),
        width=width,
        height=height,
        rotation=rotation,
        display_width=height if sideways else width,
        display_height=width if sideways else height,
        fps=round(fps, 3),
        bit_rate=_int(stream.get("bit_rate")),
        pix_fmt=stream.get("pix_fmt"),
        frames=_int(stream.get("nb_frames")),
        index=_int(stream.get("index")),
    )


def _audio_stream(stream: dict[str, Any]) -> AudioStream:
    return AudioStream(
        codec=str(stream.get("codec_name") or "unknown"),
        channels=_int(stream.get("channels")) or 0,
        sample_rate=_int(stream.get("sample_rate")) or 0,
        bit_rate=_int(stream.get("bit_rate")),
        index=_int(stream.get("index")),
    )


def parse_probe(data: dict[str, Any], *, size_bytes: int) -> MediaInfo:
    """Turn ``ffprobe -show_format -show_streams`` JSON into a MediaInfo.

    Cover art and other still pictures do not make a file a video: an mp3 with artwork is audio.

    Raises:
        InvalidMedia: ``no_media_stream``, ``image_not_supported`` or ``unknown_duration``.
    """
    streams = [s for s in data.get("streams") or [] if isinstance(s, dict)]
    videos = [s for s in streams if s.get("codec_type") == "video"]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    moving = [s for s in videos if not _is_still_image(s)]
    if not audios and not moving:
        if videos:
            raise InvalidMedia(
                "Still images are not supported; upload a video or audio recording",
                error_code="image_not_supported",
            )
        raise InvalidMedia("The file has no audio or video stream", error_code="no_media_stream")

    video = _video_stream(moving[0]) if moving else None
    audio = _audio_stream(audios[0]) if audios else None
    fmt = data.get("format") or {}
    duration = _float(fmt.get("duration"))
    if duration is None:
        picked = [moving[0]] if moving else []
        picked += audios[:1]
        durations = [d for d in (_float(s.get("duration")) for s in picked) if d is not None]
        duration = max(durations, default=None)
    if duration is None or duration <= 0:
        raise InvalidMedia("The file's duration cannot be determined", error_code="unknown_duration")
    return MediaInfo(
        kind="video" if video is not None else "audio",
        format_name=str(fmt.get("format_name") or "unknown"),
        duration=duration,
        size_bytes=size_bytes,
        bit_rate=_int(fmt.get("bit_rate")),
        video=video,
        audio=audio,
    )


def validate_media(
    info: MediaInfo,
    *,
    max_seconds: int,
    max_frame_pixels: int,
    max_frame_rate: float = 240,
    max_frames: int = 240 * 3600,
) -> None:
    """Refuse media beyond the configured limits before any expensive work starts.

    Raises:
        InvalidMedia: ``media_too_long``, ``frame_too_large``, ``frame_too_small``,
            ``frame_rate_too_high`` or ``too_many_frames``.
    """
    if info.duration > max_seconds:
        raise InvalidMedia(
            f"The recording lasts {info.duration:.0f} s; the limit is {max_seconds} s",
            error_code="media_too_long",
        )
    video = info.video
    if video is None:
        return
    if video.width * video.height > max_frame_pixels:
        raise InvalidMedia(
            f"The frame is {video.width}x{video.height}; the limit is {max_frame_pixels} pixels",
            error_code="frame_too_large",
        )
    if min(video.width, video.height) < MIN_FRAME_SIDE:
        raise InvalidMedia(
            f"The frame is {video.width}x{video.height}; each side must be at least " f"{MIN_FRAME_SIDE} pixels",
            error_code="frame_too_small",
        )
    _check_frames(video, info.duration, max_frame_rate=max_frame_rate, max_frames=max_frames)


def _check_frames(video: VideoStream, duration: float, *, max_frame_rate: float, max_frames: int) -> None:
    """A small file may declare thousands of frames per second for hours: decoding them would hold
    the transcode queue for hours, so the declared rate and frame count are bounded."""
    if video.fps > max_frame_rate:
        raise InvalidMedia(
            f"The video declares {video.fps:g} frames per second; the limit is {max_frame_rate:g}",
            error_code="frame_rate_too_high",
        )
    frames = max(video.frames or 0, round(video.fps * duration))
    if frames > max_frames:
        raise InvalidMedia(
            f"The video has {frames} frames; the limit is {max_frames}", error_code="too_many_frames"
        )
