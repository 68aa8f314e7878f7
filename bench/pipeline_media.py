"""The pipeline benchmark's media: generated sources, the bare expert command, bytes and SSIM.

Sources are 30 s 1080p30 H.264/AAC clips with 2 s GOPs, like a phone's, generated once with lavfi
and cached in ``.var/bench``: ``clean`` (a moving test pattern) and ``grainy`` (the same with
temporal noise, like a phone camera indoors), plus a tiny clip for the queue-hop runs.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.bench_render import cadenza_commands
from bench.bench_render import ensure_source as ensure_clean_source
from bench.common import BENCH_DIR
from pipelines.ffmpeg_args import BASE_ARGS, video_encoder_args
from pipelines.ladder import RenditionSpec
from pipelines.media import MediaInfo

SOURCE_SECONDS = 30
#: ``noise`` with ``allf=t`` changes every frame, like sensor grain in a dim room.
GRAINY = f"testsrc2=size=1920x1080:rate=30:duration={SOURCE_SECONDS},noise=alls=12:allf=t"
#: Bare x264 at its default quality: the reference for bytes and SSIM.
BARE_CRF = ["-crf", "23"]
_SSIM_ALL = re.compile(rb"SSIM .* All:([0-9.]+)")


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def ensure_source(name: str) -> Path:
    """The cached 30 s 1080p source ``clean`` (bench_render's) or ``grainy``; generated on first use."""
    if name == "clean":
        return ensure_clean_source()
    path = BENCH_DIR / f"source_1080p_{SOURCE_SECONDS}s_grainy.mp4"
    if path.exists() and path.stat().st_size > 0:
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.mp4")
    _ffmpeg(
        "-f", "lavfi", "-i", GRAINY,
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={SOURCE_SECONDS}",
        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "16M", "-maxrate", "16M", "-bufsize", "32M",
        "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest", str(partial),
    )  # fmt: skip
    partial.rename(path)
    return path


def ensure_tiny_clip() -> Path:
    """A 2 s 320x180 clip: the steps take milliseconds, so the job's time is mostly its queue hops."""
    path = BENCH_DIR / "source_180p_2s.mp4"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        _ffmpeg(
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(path),
        )  # fmt: skip
    return path


def bare_commands(src: str, info: MediaInfo, out: Path) -> list[list[str]]:
    """What an expert would type: ONE ffmpeg with split for HD + SD, then an input-seeked thumbnail.

    The same argv the pipeline's render and thumbnails steps run (same encoder settings), so the
    ratio measures the platform around ffmpeg: upload, queue hops, probes, storage, bookkeeping.
    """
    return cadenza_commands(src, info, out)


def reference_encode(src: Path, spec: RenditionSpec, out: Path, rate_control: list[str]) -> Path:
    """``spec``'s size encoded alone with other rate control (bare CRF 23, or the old average bitrate).

    Same audio as a rendition (AAC 128k stereo), so file sizes compare like for like.
    """
    _ffmpeg(
        "-i", str(src), "-map", "0:v:0", "-map", "0:a:0?", "-vf", f"scale={spec.width}:{spec.height},format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", *rate_control,
        "-c:a", "aac", "-b:a", "128k", "-ac", "2", str(out),
    )  # fmt: skip
    return out


def old_average_bitrate(spec: RenditionSpec) -> list[str]:
    """The rate control renditions had before capped quality: the ladder's rate as an average."""
    encoder = video_encoder_args(spec)
    caps = encoder[encoder.index("-maxrate") :]
    return ["-b:v", str(spec.video_bitrate), *caps]


def ssim(encoded: Path, src: Path, spec: RenditionSpec) -> float:
    """Mean SSIM (ffmpeg's ``ssim`` filter) of ``encoded`` against the source scaled to the same size."""
    graph = f"[1:v]scale={spec.width}:{spec.height},format=yuv420p[ref];[0:v]format=yuv420p[enc];[enc][ref]ssim"
    result = subprocess.run(
        [*BASE_ARGS[:3], "-i", str(encoded), "-i", str(src), "-lavfi", graph, "-f", "null", "-"],
        check=True,
        capture_output=True,
    )
    match = _SSIM_ALL.search(result.stderr)
    if match is None:
        raise RuntimeError(f"no SSIM in ffmpeg's output: {result.stderr[-500:]!r}")
    return float(match.group(1))


@dataclass(frozen=True, slots=True)
class Quality:
    label: str
    size_bytes: int
    ssim: float
