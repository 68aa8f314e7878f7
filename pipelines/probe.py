"""The ``probe`` step: decide whether an upload is media we accept, and what it contains.

Untrusted files are examined in three layers: a byte sniff (playlists, photos, empty files),
then ffprobe restricted to local files and to a whitelist of real media containers (so no
demuxer can follow a reference to another file or URL), then limits on what ffprobe found.
"""

from __future__ import annotations

import json
import os

from core.errors import InvalidMedia, MediaProcessingFailed
from pipelines.media import AudioStream, MediaInfo, VideoStream, parse_probe, validate_media
from pipelines.runner import run_process
from pipelines.sniff import SNIFF_BYTES, classify_probe_failure, sniff

__all__ = [
    "ALLOWED_DEMUXERS",
    "AudioStream",
    "MediaInfo",
    "VideoStream",
    "classify_probe_failure",
    "parse_probe",
    "probe_command",
    "probe_file",
    "sniff",
    "validate_media",
]

# Demuxer names as ``ffmpeg -demuxers`` spells them; ffmpeg matches each comma-separated token
# exactly, so "mov" admits "mov,mp4,m4a,3gp,3g2,mj2" but "webm" does not admit
# "webm_dash_manifest". Deliberately absent: hls, concat, dash, image2 and the *_pipe image
# demuxers, sdp/rtp/rtsp, tee, subtitle and raw-bitstream formats.
ALLOWED_DEMUXERS = ",".join(
    (
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2",  # QuickTime/ISO-BMFF, phones and cameras
        "matroska", "webm",
        "avi", "asf", "flv", "mpeg", "mpegts", "dv",
        "mp3", "aac", "ac3", "eac3", "amr", "wav", "w64", "aiff", "caf",
        "flac", "ogg", "wv", "ape",
    )
)  # fmt: skip


def probe_command(path: str) -> list[str]:
    """ffprobe argv that prints JSON for ``path`` and refuses anything but a local media file."""
    return [
        "ffprobe", "-v", "error", "-hide_banner",
        "-protocol_whitelist", "file,pipe",
        "-format_whitelist", ALLOWED_DEMUXERS,
        "-print_format", "json", "-show_format", "-show_streams",
        path,
    ]  # fmt: skip


def _read_head(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read(SNIFF_BYTES)


async def probe_file(path: str, *, timeout: float = 30) -> MediaInfo:
    """Sniff and ffprobe a local file; limits are checked separately by ``validate_media``.

    Raises:
        InvalidMedia: with a precise ``error_code`` for every way the file can be refused,
            including ``probe_timeout`` when ffprobe needs longer than ``timeout``.
    """
    head = _read_head(path)
    code = sniff(head)
    if code == "empty_file":
        raise InvalidMedia("The file is empty", error_code=code)
    if code == "image_not_supported":
        raise InvalidMedia("Still images are not supported; upload a video or audio recording", error_code=code)
    if code is not None:
        raise InvalidMedia("Playlists and reference files are not accepted", error_code=code)

    try:
        result = await run_process(probe_command(path), timeout=timeout, capture_stdout=True, check=False)
    except MediaProcessingFailed as exc:
        if exc.error_code != "ffmpeg_timeout":
            raise
        raise InvalidMedia("The file took too long to analyse", error_code="probe_timeout") from exc
    if result.returncode != 0:
        raise classify_probe_failure(head, result.stderr_tail)
    try:
        data = json.loads(result.stdout)
    except ValueError:
        raise classify_probe_failure(head, result.stderr_tail) from None
    if not isinstance(data, dict):
        raise classify_probe_failure(head, result.stderr_tail)
    return parse_probe(data, size_bytes=os.path.getsize(path))
