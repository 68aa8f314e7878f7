"""At-least-once delivery: running actors twice for one job does no harm."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from core.ids import new_id, utcnow
from jobs.plans import MEDIA_PLAN
from jobs.lifecycle import create_job
from storage.models import JobStep, Notification, Recording, Rendition, User
from storage.objects.keys import recording_key, recording_prefix
from tests import media
from workers import runtime
from workers.actors import STEP_HANDLERS as HANDLERS
from workers.steps import run_step


@pytest.fixture
def ctx(worker_ctx: runtime.WorkerContext) -> runtime.WorkerContext:
    return worker_ctx


async def _new_job(ctx: runtime.WorkerContext, clip: Path) -> tuple[Recording, str]:
    user = User(
        id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x", role="student"
    )
    recording = Recording(
        id=new_id(),
        owner_id=user.id,
        title="Etude",
        status="processing",
        original_key="",
        size_bytes=clip.stat().st_size,
    )
    recording.original_key = recording_key(user.id, recording.id, "original")
    await ctx.store.put_file(recording.original_key, clip, content_type="video/mp4")
    async with ctx.sessions.begin() as session:
        session.add(user)
        await session.flush()
        session.add(recording)
        await session.flush()
        job = await create_job(session, recording, MEDIA_PLAN)
    return recording, str(job.id)


async def _run(step: str, job_id: str) -> None:
    await run_step(step, job_id, HANDLERS[step])


async def _redeliver(ctx: runtime.WorkerContext, job_id: str, step: str) -> None:
    """What the reaper does for a step whose worker died after doing the work: queue it again."""
    async with ctx.sessions.begin() as session:
        await session.execute(
            update(JobStep)
            .where(JobStep.job_id == job_id, JobStep.name == step)
            .values(state="queued", enqueued_at=utcnow())
        )


async def _objects(ctx: runtime.WorkerContext, recording: Recording) -> list[str]:
    root = ctx.settings.storage.local_root
    assert root is not None
    base = root / recording_prefix(recording.owner_id, recording.id)
    return sorted(p.name for p in base.iterdir() if not p.name.endswith(".meta.json"))


async def _count(ctx: runtime.WorkerContext, model: type, **where: object) -> int:
    async with ctx.sessions() as session:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return (await session.execute(stmt)).scalar_one()


async def test_render_and_notify_twice_leave_one_set_of_objects_and_one_notification(
    ctx: runtime.WorkerContext, tmp_path: Path
) -> None:
    clip = media.video_clip(tmp_path / "clip.mp4", width=640, height=360, seconds=2)
    recording, job_id = await _new_job(ctx, clip)

    # Given a job processed once
    for step in ("probe", "render", "thumbnails", "finalize", "notify"):
        await _run(step, job_id)
    expected = ["original", "poster.jpg", "sd.mp4", "thumbnail.jpg"]
    assert await _objects(ctx, recording) == expected

    # When the same messages arrive again (a duplicate delivery): nothing to do
    await _run("render", job_id)
    await _run("notify", job_id)
    # And when the steps are really executed a second time (a worker died before acking)
    await _redeliver(ctx, job_id, "render")
    await _run("render", job_id)
    await _redeliver(ctx, job_id, "notify")
    await _run("notify", job_id)

    # Then there is still one set of objects, one row per rendition and one notification
    assert await _objects(ctx, recording) == expected
    assert await _count(ctx, Rendition, recording_id=recording.id) == 1
    assert await _count(ctx, Notification, user_id=recording.owner_id) == 1
    async with ctx.sessions() as session:
        steps = (await session.execute(select(JobStep).filter_by(job_id=job_id))).scalars().all()
    assert {s.name: s.attempts for s in steps} == {"probe": 1, "render": 2, "thumbnails": 1, "finalize": 1, "notify": 2}
    assert all(s.state == "succeeded" for s in steps)


async def test_a_message_for_a_deleted_recording_is_a_no_op(ctx: runtime.WorkerContext, tmp_path: Path) -> None:
    clip = media.video_clip(tmp_path / "clip.mp4", width=320, height=180, seconds=1)
    recording, job_id = await _new_job(ctx, clip)
    async with ctx.sessions.begin() as session:
        await session.delete(await session.get(Recording, recording.id))
    await _run("probe", job_id)  # must not raise
    assert await _count(ctx, Recording, id=recording.id) == 0
