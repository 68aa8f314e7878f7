"""Queue ``transcode``: one ffmpeg pass renders every rendition (or the audio file + waveform)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from pipelines.ffmpeg_args import render_audio_args, render_video_args, timeout_for
from pipelines.ladder import AUDIO_BITRATE, plan_renditions
from pipelines.media import MediaInfo
from pipelines.probe import probe_file
from pipelines.runner import run_process
from pipelines.waveform import waveform_peaks, waveform_sample_rate
from jobs.claims import Claim
from jobs.staging import MediaChange
from workers.media_files import source_info, working_copy
from workers.runtime import WorkerContext
from workers.steps import Progress, StepResult

WAVEFORM_POINTS = 1000


async def render(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    """Render HD/SD (video) or audio.m4a + waveform.json (audio) under deterministic keys."""
    recording = claim.recording
    async with working_copy(ctx, recording) as (workdir, original):
        info = await source_info(recording, original)
        if info.kind == "video":
            rows = await _render_video(ctx, claim, info, workdir, original, progress)
            fields: dict[str, object] = {}
        else:
            rows, waveform_key = await _render_audio(ctx, claim, info, workdir, original, progress)
            fields = {"waveform_key": waveform_key}
    return StepResult(apply=MediaChange(fields=fields, renditions=tuple(rows)))


async def _render_video(
    ctx: WorkerContext, claim: Claim, info: MediaInfo, workdir: Path, original: Path, progress: Progress
) -> list[dict[str, object]]:
    specs = plan_renditions(info)
    outputs = [(spec, str(workdir / spec.filename)) for spec in specs]
    await run_process(
        render_video_args(str(original), outputs, info),
        timeout=timeout_for(info.duration),
        duration=info.duration,
        on_progress=progress,
    )
    # Every output is probed and stored at once: each is a wait on ffprobe or the disk, not CPU.
    stored = [_store_output(ctx, claim, path, spec.filename, "video/mp4", name=spec.name) for spec, path in outputs]
    return list(await asyncio.gather(*stored))


async def _render_audio(
    ctx: WorkerContext, claim: Claim, info: MediaInfo, workdir: Path, original: Path, progress: Progress
) -> tuple[list[dict[str, object]], str]:
    m4a, pcm = workdir / "audio.m4a", workdir / "waveform.pcm"
    rate = waveform_sample_rate(info.duration, WAVEFORM_POINTS)
    await run_process(
        render_audio_args(str(original), str(m4a), str(pcm), pcm_rate=rate),
        timeout=timeout_for(info.duration),
        duration=info.duration,
        on_progress=progress,
    )
    peaks = waveform_peaks(str(pcm), WAVEFORM_POINTS)
    waveform = workdir / "waveform.json"
    waveform.write_text(json.dumps({"version": 1, "duration": info.duration, "points": len(peaks), "peaks": peaks}))
    waveform_key = claim.output_key("waveform.json")
    await ctx.store.put_file(waveform_key, waveform, content_type="application/json")
    row = await _store_output(ctx, claim, str(m4a), "audio.m4a", "audio/mp4", name="audio")
    row["bitrate"] = row["bitrate"] or AUDIO_BITRATE
    return [row], waveform_key


async def _store_output(
    ctx: WorkerContext, claim: Claim, path: str, filename: str, content_type: str, *, name: str
) -> dict[str, object]:
    """Upload one output and describe it (a rendition row) from a probe of the file actually written."""
    key = claim.output_key(filename)
    out, size = await asyncio.gather(probe_file(path), ctx.store.put_file(key, path, content_type=content_type))
    return {
        "name": name,
        "storage_key": key,
        "content_type": content_type,
        "width": out.video.display_width if out.video else None,
        "height": out.video.display_height if out.video else None,
        "bitrate": out.bit_rate,
        "size_bytes": size,
        "duration_seconds": round(out.duration, 3),
    }
