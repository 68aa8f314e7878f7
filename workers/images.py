"""Queue ``images``: thumbnail and poster from one input-seeked frame."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import MediaProcessingFailed
from pipelines.ffmpeg_args import thumbnail_args, thumbnail_time
from pipelines.ladder import poster_width, thumbnail_width
from pipelines.runner import run_process
from jobs.claims import Claim
from storage.models.recordings import Recording
from storage.objects.keys import recording_key
from workers.media_files import source_info, working_copy
from workers.runtime import WorkerContext
from workers.steps import Progress, StepResult

THUMBNAIL_TIMEOUT_SECONDS = 120.0


async def thumbnails(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    recording = claim.recording
    keys = {
        "thumbnail": recording_key(recording.owner_id, recording.id, "thumbnail.jpg"),
        "poster": recording_key(recording.owner_id, recording.id, "poster.jpg"),
    }
    async with working_copy(ctx, recording) as (workdir, original):
        info = await source_info(recording, original)
        thumb, poster = workdir / "thumbnail.jpg", workdir / "poster.jpg"
        await run_process(
            thumbnail_args(
                str(original),
                at_seconds=thumbnail_time(info.duration),
                thumbnail=(str(thumb), thumbnail_width(info)),
                poster=(str(poster), poster_width(info)),
                stream=info.video.index if info.video else None,
            ),
            timeout=THUMBNAIL_TIMEOUT_SECONDS,
        )
        if not (thumb.is_file() and poster.is_file()):  # ffmpeg found no frame at that time
            raise MediaProcessingFailed("no picture could be taken from the video", error_code="thumbnail_failed")
        await ctx.store.put_file(keys["thumbnail"], thumb, content_type="image/jpeg")
        await ctx.store.put_file(keys["poster"], poster, content_type="image/jpeg")
    await progress(1.0)

    async def apply(_: AsyncSession, target: Recording) -> None:
        target.thumbnail_key = keys["thumbnail"]
        target.poster_key = keys["poster"]

    return StepResult(apply=apply)
