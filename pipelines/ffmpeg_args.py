"""ffmpeg argument lists for the render and thumbnail steps, as pure functions.

Nothing here touches the filesystem or spawns anything (``pipelines.runner`` does), so every
flag is covered by table-driven unit tests. Inputs are always opened with the same protocol
and demuxer whitelists as ffprobe: a file that probed as mp4 cannot turn into a playlist later.
"""

from __future__ import annotations

from pipelines.ladder import RenditionSpec
from pipelines.media import MediaInfo
from pipelines.probe import ALLOWED_DEMUXERS
from pipelines.waveform import waveform_peaks, waveform_sample_rate

__all__ = [
    "BASE_ARGS",
    "render_audio_args",
    "render_video_args",
    "thumbnail_args",
    "thumbnail_time",
    "timeout_for",
    "video_encoder_args",
    "waveform_peaks",
    "waveform_sample_rate",
]

# -protocol_whitelist is an input option: it applies to the single -i that follows.
# Progress goes to stdout as key=value lines for the runner; errors only on stderr.
BASE_ARGS: list[str] = [
    "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
    "-protocol_whitelist", "file,pipe",
    "-y", "-progress", "pipe:1", "-nostats",
]  # fmt: skip

# Stripping container/stream metadata drops GPS location and device names that phones write.
_MP4_TAIL = ["-movflags", "+faststart", "-map_metadata", "-1", "-map_chapters", "-1", "-f", "mp4"]
_JPEG_QUALITY = "3"


def _input(src: str) -> list[str]:
    return ["-format_whitelist", ALLOWED_DEMUXERS, "-i", src]


def _bits(value: int) -> str:
    """ffmpeg rate notation: 3000000 -> "3000k"."""
    return f"{value // 1000}k" if value % 1000 == 0 else str(value)


def _audio_out(bitrate: int) -> list[str]:
    return ["-c:a", "aac", "-b:a", _bits(bitrate), "-ac", "2"]


def video_encoder_args(spec: RenditionSpec) -> list[str]:
    """H.264 settings of one rendition: capped quality (CRF under the ladder's VBV caps).

    A CRF alone would let grain or fast motion blow the file up; an average bitrate alone spends
    the whole budget on a static, clean picture that needs a fraction of it. With both, x264 aims
    at the quality and the VBV holds the rate at or below ``maxrate`` (over ``bufsize``).
    """
    return [
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
        "-pix_fmt", "yuv420p",
        "-crf", str(spec.crf),
        "-maxrate", _bits(spec.maxrate),
        "-bufsize", _bits(spec.bufsize),
    ]  # fmt: skip


def _video_filter(src_label: str, specs: list[RenditionSpec]) -> tuple[str, list[str]]:
    """Cascade: scale the source once to the largest size, then each copy to the next size.

    Returns the filtergraph and the output label of each spec, in the same order.
    """
    chains: list[str] = []
    labels: list[str] = []
    current = src_label
    for i, spec in enumerate(specs):
        steps = f"scale={spec.width}:{spec.height}"
        if i == 0:
            steps += ",format=yuv420p"  # convert once; the smaller copies inherit it
        label = f"v{i}"
        if i < len(specs) - 1:
            chains.append(f"[{current}]{steps},split=2[{label}][c{i}]")
            current = f"c{i}"
        else:
            chains.append(f"[{current}]{steps}[{label}]")
        labels.append(label)
    return ";".join(chains), labels


def render_video_args(src: str, outputs: list[tuple[RenditionSpec, str]], info: MediaInfo) -> list[str]:
    """One ffmpeg process that decodes ``src`` once and writes every rendition (H.264/AAC mp4).

    Args:
        outputs: (spec, local output path) pairs, in any order.
        info: the probe result; picks the video stream and says whether there is audio.

    Raises:
        ValueError: no video, no outputs, or a spec larger than the source (an upscale).
    """
    video = info.video
    if video is None or not outputs:
        raise ValueError("render_video_args needs a video source and at least one rendition")
    ordered = sorted(outputs, key=lambda pair: pair[0].width * pair[0].height, reverse=True)
    for spec, _ in ordered:
        if spec.width > video.display_width or spec.height > video.display_height:
            raise ValueError(f"rendition {spec.name} {spec.width}x{spec.height} would upscale")
    stream = f"0:{video.index}" if video.index is not None else "0:v:0"
    graph, labels = _video_filter(stream, [spec for spec, _ in ordered])

    # Autorotate (on by default) turns the picture upright before the graph and the outputs
    # carry no rotation, so players that ignore rotation metadata still show it right.
    argv = [*BASE_ARGS, *_input(src), "-filter_complex", graph]
    for (spec, path), label in zip(ordered, labels, strict=True):
        argv += ["-map", f"[{label}]"]
        argv += ["-map", "0:a:0?", *_audio_out(spec.audio_bitrate)] if info.audio else ["-an"]
        # Keep the source's frame timing: phone clips are often variable frame rate,
        # and constant-rate output would duplicate frames to fill the gaps.
        argv += [*video_encoder_args(spec), "-fps_mode", "vfr", *_MP4_TAIL, path]
    return argv


def render_audio_args(src: str, m4a_path: str, pcm_path: str, *, pcm_rate: int) -> list[str]:
    """One decode, two outputs: ``audio.m4a`` for playback and mono s16le PCM for the waveform."""
    return [
        *BASE_ARGS, *_input(src),
        "-map", "0:a:0", *_audio_out(128_000), *_MP4_TAIL, m4a_path,
        "-map", "0:a:0", "-c:a", "pcm_s16le", "-ac", "1", "-ar", str(pcm_rate),
        "-f", "s16le", pcm_path,
    ]  # fmt: skip


def thumbnail_args(
    src: str,
    *,
    at_seconds: float,
    thumbnail: tuple[str, int],
    poster: tuple[str, int] | None,
    stream: int | None = None,
) -> list[str]:
    """Thumbnail (and poster) JPEGs from one frame, seeking on the input to avoid a full decode.

    Args:
        thumbnail: (output path, width); poster: same, or None for no poster.
        stream: absolute index of the video stream probe validated (``VideoStream.index``): the
            first video stream may be cover art or a still picture that the limits never saw.
    """
    images = [thumbnail] if poster is None else sorted([thumbnail, poster], key=lambda p: -p[1])
    chains: list[str] = []
    current = f"0:{stream}" if stream is not None else "0:v:0"
    for i, (_, width) in enumerate(images):
        if i < len(images) - 1:
            chains.append(f"[{current}]scale={width}:-2,split=2[i{i}][c{i}]")
            current = f"c{i}"
        else:
            chains.append(f"[{current}]scale={width}:-2[i{i}]")
    argv = [*BASE_ARGS, "-ss", f"{max(at_seconds, 0.0):.3f}", *_input(src)]
    argv += ["-filter_complex", ";".join(chains)]
    for i, (path, _) in enumerate(images):
        # image2 with -update 1 writes exactly this file name, even if it contains "%d".
        argv += ["-map", f"[i{i}]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", _JPEG_QUALITY]
        argv += ["-f", "image2", "-update", "1", path]
    return argv


def thumbnail_time(duration: float) -> float:
    """Grab the frame at 10%: past black intros and count-ins, still early in the piece."""
    return max(duration, 0.0) * 0.1


def timeout_for(duration: float) -> float:
    """Wall-clock limit for an ffmpeg step: a fixed allowance plus 8 s per media second."""
    return 60.0 + 8.0 * max(duration, 0.0)
