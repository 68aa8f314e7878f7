"""Queue ``images``: thumbnail and poster from one input-seeked frame."""

from __future__ import annotations

from core.errors import MediaProcessingFailed
from pipelines.ffmpeg_args import thumbnail_args, thumbnail_time
from pipelines.ladder import poster_width, thumbnail_width
from pipelines.runner import run_process
from jobs.claims import Claim
from jobs.staging import MediaChange
from workers.media_files import source_info, working_copy
from workers.runtime import WorkerContext
from workers.steps import Progress, StepResult

THUMBNAIL_TIMEOUT_SECONDS = 120.0


async def thumbnails(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    recording = claim.recording
    keys = {"thumbnail": claim.output_key("thumbnail.jpg"), "poster": claim.output_key("poster.jpg")}
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
    return StepResult(apply=MediaChange(fields={"thumbnail_key": keys["thumbnail"], "poster_key": keys["poster"]}))
