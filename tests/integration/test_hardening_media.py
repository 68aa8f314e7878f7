"""Probe bounds the frame rate and frame count a file declares, and thumbnails decode the very
stream probe validated, not whatever comes first (issue 11 items 7 and 8). Real ffprobe/ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.errors import InvalidMedia
from core.ids import new_id
from core.settings import MediaSettings
from pipelines.ffmpeg_args import thumbnail_args, thumbnail_time
from pipelines.ladder import poster_width, thumbnail_width
from pipelines.media import validate_media
from pipelines.probe import probe_file
from jobs.plans import MEDIA_PLAN
from pipelines.runner import run_process
from jobs.lifecycle import create_job
from storage.models import JobStep, Recording, User
from storage.objects.keys import recording_key
from tests.media import ffmpeg, ffprobe
from workers import runtime
from workers.actors import STEP_HANDLERS
from workers.steps import run_step

DEFAULTS = MediaSettings()


def cover_first_mp4(path: Path) -> Path:
    """An MP4 whose FIRST video track is a one-frame 640x640 PNG, the second a 320x180 H.264 clip."""
    still = path.with_suffix(".png")
    ffmpeg("-f", "lavfi", "-i", "color=red:s=640x640:d=1", "-frames:v", "1", str(still))
    ffmpeg(
        "-i", str(still), "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=3",
        "-map", "0:v", "-map", "1:v", "-c:v:0", "png", "-c:v:1", "libx264", "-pix_fmt:v:1", "yuv420p", str(path),
    )  # fmt: skip
    return path


async def test_thumbnails_decode_the_stream_probe_validated(tmp_path: Path) -> None:
    # Given a file whose first video stream is a still picture
    source = cover_first_mp4(tmp_path / "cover-first.mp4")
    info = await probe_file(str(source))
    assert info.video is not None and (info.video.width, info.video.height, info.video.index) == (320, 180, 1)
    validate_media(info, max_seconds=60, max_frame_pixels=DEFAULTS.max_frame_pixels)

    # When the thumbnails are made for the stream probe validated
    thumb, poster = tmp_path / "thumbnail.jpg", tmp_path / "poster.jpg"
    await run_process(
        thumbnail_args(
            str(source),
            at_seconds=thumbnail_time(info.duration),
            thumbnail=(str(thumb), thumbnail_width(info)),
            poster=(str(poster), poster_width(info)),
            stream=info.video.index,
        ),
        timeout=60,
    )

    # Then they picture the 16:9 clip, not the square PNG
    for image in (thumb, poster):
        [stream] = ffprobe(image)["streams"]
        assert stream["width"] * 9 == stream["height"] * 16, stream


async def test_a_declared_frame_rate_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    # Given a tiny file that declares 5000 frames per second
    source = tmp_path / "fast.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x64:r=5000:d=0.2", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(source))
    info = await probe_file(str(source))

    # Then probe's limits, on their defaults, refuse it
    with pytest.raises(InvalidMedia) as refused:
        validate_media(info, max_seconds=60, max_frame_pixels=DEFAULTS.max_frame_pixels)
    assert refused.value.error_code == "frame_rate_too_high"


async def test_too_many_frames_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "frames.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x64:r=100:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(source))
    info = await probe_file(str(source))

    with pytest.raises(InvalidMedia) as refused:
        validate_media(info, max_seconds=60, max_frame_pixels=DEFAULTS.max_frame_pixels, max_frames=150)
    assert refused.value.error_code == "too_many_frames"
    validate_media(info, max_seconds=60, max_frame_pixels=DEFAULTS.max_frame_pixels, max_frames=200)


# -- the reported case, through the steps as a worker runs them ------------------------------------


async def test_a_cover_first_upload_gets_its_thumbnails_from_the_real_video(
    worker_ctx: runtime.WorkerContext, tmp_path: Path
) -> None:
    # Given an upload whose first video track is a one-frame PNG, and its job
    source = cover_first_mp4(tmp_path / "cover-first.mp4")
    owner = User(id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x")
    recording = Recording(
        id=new_id(), owner_id=owner.id, title="Cover first", status="processing", original_key="", size_bytes=1
    )
    recording.original_key = recording_key(owner.id, recording.id, "original")
    await worker_ctx.store.put_file(recording.original_key, source, content_type="video/mp4")
    async with worker_ctx.sessions.begin() as session:
        session.add(owner)
        await session.flush()
        session.add(recording)
        await session.flush()
        job_id = str((await create_job(session, recording, MEDIA_PLAN)).id)

    # When probe and thumbnails run
    for step in ("probe", "thumbnails"):
        await run_step(step, job_id, STEP_HANDLERS[step])

    # Then the thumbnails step succeeded at once, and its images show the 16:9 clip
    async with worker_ctx.sessions() as session:
        steps = {s.name: s for s in (await session.execute(select(JobStep).filter_by(job_id=job_id))).scalars()}
    thumbnails = steps["thumbnails"]
    assert (thumbnails.state, thumbnails.attempts) == ("succeeded", 1), thumbnails.error_message
    image = tmp_path / "thumbnail.jpg"
    await worker_ctx.store.get_to_file(recording_key(owner.id, recording.id, "thumbnail.jpg"), image)
    [stream] = ffprobe(image)["streams"]
    assert stream["width"] * 9 == stream["height"] * 16, stream
