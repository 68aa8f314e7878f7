"""Cancellation seen from a worker: the admin API's signal that a running step must stop.

``POST /api/v1/admin/jobs/{id}/cancel`` marks the job failed with ``cancelled`` in the database
(``jobs.operator``), which already refuses the step's result, and then sets the Redis key
``cadenza:cancel:{job_id}`` (one hour). A worker checks that key while its step runs (from the
throttled progress callback, every ~0.5 s during ffmpeg) and raises ``JobCancelled``; the ffmpeg
runner kills the process group of a child whose progress callback raises.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis

from core.errors import CadenzaError
from core.transient import TRANSIENT_ERRORS
from core.redis_keys import cancel_key
from jobs.operator import CANCELLED

log = logging.getLogger("cadenza.worker")


class JobCancelled(CadenzaError):
    """An administrator cancelled the job; deterministic, never retried."""

    status_code = 409
    default_code = CANCELLED


async def is_cancelled(redis: Redis, job_id: str) -> bool:
    """Whether the job was cancelled. False when Redis cannot say: a Redis hiccup must not stop a
    render (the database still refuses the result of a cancelled job's step)."""
    try:
        return bool(await redis.exists(cancel_key(job_id)))
    except TRANSIENT_ERRORS as exc:
        log.warning("cancel signal unreadable; step goes on", extra={"job_id": job_id, "error": type(exc).__name__})
        return False


async def raise_if_cancelled(redis: Redis, job_id: str) -> None:
    """Raise ``JobCancelled`` when the job was cancelled (to call between units of work)."""
    if await is_cancelled(redis, job_id):
        raise JobCancelled("the job was cancelled by an administrator")
