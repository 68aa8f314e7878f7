"""Issue 11 item 1: a data error is never transient, derived text never overflows its column,
and owners read a fixed sentence per error code (the detail stays in the operators' view)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text, update

from api.jobs.schemas import step_fields
from core.error_messages import public_message
from core.ids import new_id, utcnow
from jobs.lifecycle import create_job
from jobs.plans import MEDIA_PLAN
from storage.models import JobStep, Notification, Recording, User
from storage.repositories.notifications import TITLE_MAX_CHARS
from workers.actors import STEP_HANDLERS
from workers.runtime import WorkerContext
from workers.steps import run_step


async def _job(ctx: WorkerContext, title: str, *, status: str = "processing") -> tuple[Recording, uuid.UUID]:
    user = User(
        id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x", role="student"
    )
    recording = Recording(id=new_id(), owner_id=user.id, title=title, status=status, original_key="k", size_bytes=1)
    async with ctx.sessions.begin() as session:
        session.add(user)
        await session.flush()
        session.add(recording)
        await session.flush()
        job = await create_job(session, recording, MEDIA_PLAN)
    return recording, job.id


async def _steps(ctx: WorkerContext, job_id: uuid.UUID) -> dict[str, JobStep]:
    async with ctx.sessions() as session:
        return {s.name: s for s in (await session.execute(select(JobStep).filter_by(job_id=job_id))).scalars()}


async def test_a_195_character_title_gets_a_ready_notification_with_a_cut_title(worker_ctx: WorkerContext) -> None:
    # Given a ready recording with a 195-character title whose notify step is due
    long_title = "Sonata " + "x" * 188
    recording, job_id = await _job(worker_ctx, long_title, status="ready")
    async with worker_ctx.sessions.begin() as session:
        await session.execute(
            update(JobStep).where(JobStep.job_id == job_id, JobStep.name != "notify").values(state="succeeded")
        )
        await session.execute(
            update(JobStep).where(JobStep.job_id == job_id, JobStep.name == "notify").values(enqueued_at=utcnow())
        )

    # When the notify step runs
    await run_step("notify", str(job_id), STEP_HANDLERS["notify"])

    # Then it succeeds at its first attempt, the recording stays ready, and the title fits
    steps = await _steps(worker_ctx, job_id)
    assert (steps["notify"].state, steps["notify"].attempts) == ("succeeded", 1)
    async with worker_ctx.sessions() as session:
        note = (await session.execute(select(Notification).filter_by(user_id=recording.owner_id))).scalar_one()
        assert (await session.get(Recording, recording.id)).status == "ready"  # type: ignore[union-attr]
    assert len(note.title) == TITLE_MAX_CHARS
    assert note.title.startswith("“Sonata xxx") and note.title.endswith("…” is ready")


async def test_a_data_error_fails_the_step_at_once_and_owners_see_a_fixed_sentence(worker_ctx: WorkerContext) -> None:
    # Given a probe step whose handler meets a data exception (SQLSTATE 22012) with parameters
    recording, job_id = await _job(worker_ctx, "Etude")

    async def divide(ctx: WorkerContext, claim: object, progress: object) -> None:
        async with ctx.sessions() as session:
            await session.execute(text("SELECT CAST(:secret AS integer) / 0"), {"secret": 424242})

    # When the step runs
    await run_step("probe", str(job_id), divide)  # type: ignore[arg-type]

    # Then it fails for good at its first attempt, with no retry
    steps = await _steps(worker_ctx, job_id)
    probe = steps["probe"]
    assert (probe.state, probe.attempts, probe.error_code) == ("failed", 1, "data_error"), probe.error_message
    async with worker_ctx.sessions() as session:
        failed = await session.get(Recording, recording.id)
    assert failed is not None and failed.status == "failed" and failed.error_code == "data_error"
    # And the owner reads the code's sentence, never the statement or its parameters
    assert failed.error_message == public_message("data_error")
    assert step_fields(probe)["error_message"] == public_message("data_error")
    # While the step keeps the detail for the operators' job view (``api.ops.schemas``)
    assert "division by zero" in (probe.error_message or "")
