"""Media pipeline: probe uploads, plan renditions, build ffmpeg commands and run them.

Imports only ``core`` and the standard library, so the API (probing) and the workers
(rendering) share it without pulling in web or database code.
"""

from __future__ import annotations

from pipelines.ffmpeg_args import (
    BASE_ARGS,
    render_audio_args,
    render_video_args,
    thumbnail_args,
    thumbnail_time,
    timeout_for,
)
from pipelines.ladder import (
    THUMBNAIL_WIDTH,
    RenditionSpec,
    plan_renditions,
    poster_width,
    thumbnail_width,
)
from pipelines.media import AudioStream, MediaInfo, VideoStream, parse_probe, validate_media
from pipelines.probe import ALLOWED_DEMUXERS, probe_command, probe_file
from pipelines.runner import ProcessResult, kill_all_children, run_process
from pipelines.sniff import classify_probe_failure, sniff
from pipelines.waveform import waveform_peaks, waveform_sample_rate

__all__ = [
    "ALLOWED_DEMUXERS",
    "BASE_ARGS",
    "THUMBNAIL_WIDTH",
    "AudioStream",
    "MediaInfo",
    "ProcessResult",
    "RenditionSpec",
    "VideoStream",
    "classify_probe_failure",
    "kill_all_children",
    "parse_probe",
    "plan_renditions",
    "poster_width",
    "probe_command",
    "probe_file",
    "render_audio_args",
    "render_video_args",
    "run_process",
    "sniff",
    "thumbnail_args",
    "thumbnail_time",
    "thumbnail_width",
    "timeout_for",
    "validate_media",
    "waveform_peaks",
    "waveform_sample_rate",
]
