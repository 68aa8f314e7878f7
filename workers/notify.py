"""Queue ``notify``: one notification per outcome and recipient, even on redelivery, fanned out to
the recipient's channels (``jobs.fanout``: in-app row, mail, webhooks, live events)."""

from __future__ import annotations

from core.errors import TransientFailure
from core.error_messages import public_message
from core.text import fill
from jobs.claims import Claim
from jobs.fanout import notify_user, publish
from storage.repositories.notifications import TITLE_MAX_CHARS
from storage.repositories.recordings import RecordingRepository
from storage.repositories.shares import ShareRepository
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
        after = "” is ready" if ready else "” could not be processed"
        title = fill(recording.title, TITLE_MAX_CHARS, before="“", after=after)
        # The owner reads the fixed sentence of the error code, never an exception's details.
        body = None if ready else f"{public_message(recording.error_code)} ({recording.error_code})"
        data = {"recording_id": str(recording.id), "status": recording.status, "error_code": recording.error_code}
        kind = "recording.ready" if ready else "recording.failed"
        # The owner hears of either outcome; people the recording is shared with only of a ready one.
        recipients = [recording.owner_id]
        if ready:
            recipients += [
                u for u in await ShareRepository(session).recipient_ids(recording.id) if u != recording.owner_id
            ]
        created = []
        for user_id in recipients:
            item = await notify_user(
                session,
                user_id=user_id,
                kind=kind,
                title=title,
                body=body,
                data=data,
                dedupe_key=f"{kind}:{recording.id}:{user_id}",
            )
            if item is not None:
                created.append(item)
    await publish(ctx.redis, created)
    await progress(1.0)
    return StepResult()
