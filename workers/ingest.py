"""Queue ``ingest``: probe (ffprobe + validation) and finalize (check outputs, mark ready)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import TransientFailure
from pipelines.audio_sources import audio_only
from pipelines.media import validate_media
from pipelines.tags import read_tags
from jobs.plans import plan_of
from jobs.song_audio import fill_song_from_tags, promote_song_audio
from pipelines.probe import probe_file
from jobs.claims import Claim
from jobs.staging import MediaChange, swap_in
from storage.models.recordings import Recording, RecordingPurpose
from workers.media_files import working_copy
from workers.runtime import WorkerContext
from workers.steps import Progress, StepResult


async def probe(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    """Read the media's facts and refuse what is not acceptable media, with a precise error code.

    A song's audio keeps only the sound (a video yields audio only), and its file's tags fill
    what the song leaves empty (``jobs.song_audio``).
    """
    song_audio = claim.recording.purpose == RecordingPurpose.SONG_AUDIO
    tags = None
    async with working_copy(ctx, claim.recording) as (_, original):
        info = await probe_file(str(original))
        if song_audio:
            info = audio_only(info)
            tags = await asyncio.to_thread(read_tags, original)
    media = ctx.settings.media
    validate_media(
        info,
        max_seconds=media.max_media_seconds,
        max_frame_pixels=media.max_frame_pixels,
        max_frame_rate=media.max_frame_rate,
        max_frames=media.max_frames,
    )
    await progress(1.0)
    change = MediaChange(
        fields={
            "media_kind": info.kind,
            "duration_seconds": round(info.duration, 3),
            "width": info.video.display_width if info.video else None,
            "height": info.video.display_height if info.video else None,
            "media_info": info.to_dict(),
        }
    )
    skip = plan_of(claim.job.plan).video_only_steps if info.kind == "audio" else ()
    if tags is None:
        return StepResult(skip=skip, apply=change)

    async def apply_with_tags(session: AsyncSession, recording: Recording) -> None:
        await change(session, recording)
        await fill_song_from_tags(session, recording, tags)

    return StepResult(skip=skip, apply=apply_with_tags)


async def finalize(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    """Every rendition and image the recording names must really be in the store."""
    recording = claim.recording
    keys = [r.storage_key for r in recording.renditions]
    keys += [k for k in (recording.thumbnail_key, recording.poster_key, recording.waveform_key) if k]
    if not recording.renditions:
        raise TransientFailure("no renditions were recorded for this recording", error_code="renditions_missing")
    for key in keys:
        if await ctx.store.stat(key) is None:
            raise TransientFailure(f"stored output {key} is missing", error_code="output_missing")
    await progress(1.0)
    if claim.job.staged is not None:
        return _swap(ctx, claim.job.staged)
    if recording.purpose == RecordingPurpose.SONG_AUDIO:
        return StepResult(apply=promote_song_audio)
    return StepResult()


def _swap(ctx: WorkerContext, staged: dict) -> StepResult:
    """A replacement's new media is complete: swap it in with this step's commit, then delete the
    objects of the old media (after the commit: until then they are what the recording serves)."""
    unused: set[str] = set()

    async def apply(session: AsyncSession, recording: Recording) -> None:
        unused.update(await swap_in(session, recording, staged))

    async def delete_unused() -> None:
        for key in sorted(unused):
            await ctx.store.delete(key)

    return StepResult(apply=apply, after_commit=delete_unused)
