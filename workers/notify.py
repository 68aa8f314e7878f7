"""Queue ``notify``: one in-app notification per outcome and recipient, even on redelivery."""

from __future__ import annotations

from core.errors import TransientFailure
from storage.job_tracker import Claim
from storage.repositories.notifications import NotificationRepository
from storage.repositories.recordings import RecordingRepository
from workers.events import publish
from workers.runtime import WorkerContext
from workers.steps import Progress, StepResult


async def notify(ctx: WorkerContext, claim: Claim, progress: Progress) -> StepResult:
    async with ctx.sessions.begin() as session:
        recording = await RecordingRepository(session).get(claim.recording.id)
        if recording is None:
            return StepResult()
        if recording.status not in ("ready", "failed"):
            raise TransientFailure(f"recording is still {recording.status}", error_code="not_finished")
        ready = recording.status == "ready"
        title = f"“{recording.title}” is ready" if ready else f"“{recording.title}” could not be processed"
        body = None if ready else f"{recording.error_message or 'processing failed'} ({recording.error_code})"
        data = {"recording_id": str(recording.id), "status": recording.status, "error_code": recording.error_code}
        kind = "recording.ready" if ready else "recording.failed"
        # Recipients: the owner now; people the recording is shared with join with sharing.
        created = await NotificationRepository(session).add_once(
            user_id=recording.owner_id,
            kind=kind,
            title=title,
            body=body,
            data=data,
            dedupe_key=f"{kind}:{recording.id}:{recording.owner_id}",
        )
    if created is not None:
        await publish(ctx.redis, recording.owner_id, "notification", {"id": created, "kind": kind, "title": title, **data})
    await progress(1.0)
    return StepResult()
