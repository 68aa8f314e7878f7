"""A file replacement that failed for good: its staged outputs are removed, the old media stays."""

from __future__ import annotations

import logging

from jobs.claims import Claim, Outcome
from storage.models.jobs import JobState
from storage.objects.keys import replacement_prefix
from workers.runtime import WorkerContext

log = logging.getLogger("cadenza.worker")


async def discard_failed_replacement(ctx: WorkerContext, claim: Claim, outcome: Outcome) -> None:
    """Delete what a replacement job stored under its own prefix once the job has failed.

    The recording never pointed at those objects (``jobs.staging``), so nothing served goes.
    """
    if claim.job.staged is None or not outcome.applied or outcome.job.state != JobState.FAILED:
        return
    prefix = replacement_prefix(claim.recording.owner_id, claim.recording.id, claim.job.id)
    try:
        removed = await ctx.store.delete_prefix(prefix)
    except Exception:  # noqa: BLE001 - the failure is committed; leftovers go with the recording
        log.exception("failed replacement's outputs not removed")
        return
    log.info("failed replacement's outputs removed", extra={"objects_removed": removed})
