"""Operations: jobs of every owner, retry and cancel, queue statistics, live workers.

Every action is logged with the acting admin's id (an audit trail), like account administration.
"""

from __future__ import annotations

import logging
import uuid


from api.context import AppContext
from api.ops.schemas import (
    OpsJobOut,
    OpsJobPage,
    QueuePage,
    WorkerPage,
    ops_job_out,
    queue_out,
    worker_out,
)
from core.errors import NotFound, ServiceUnavailable
from core.ids import utcnow
from core.redis_keys import cancel_key
from core.transient import TRANSIENT_ERRORS
from jobs.operator import CANCEL_SIGNAL_TTL_SECONDS, cancel_job, retry_job
from storage.heartbeats import live_workers
from storage.models.users import User
from storage.queue_stats import queue_stats
from storage.repositories.ops import JobFilter, OpsRepository

log = logging.getLogger("cadenza.ops")


class OpsService:
    def __init__(self, ctx: AppContext, admin: User) -> None:
        self.ctx = ctx
        self.admin = admin

    async def list_jobs(self, where: JobFilter, *, limit: int, offset: int) -> OpsJobPage:
        async with self.ctx.sessions() as session:
            rows, total = await OpsRepository(session).list_jobs(where, limit=limit, offset=offset)
        return OpsJobPage(items=[ops_job_out(r) for r in rows], total=total, limit=limit, offset=offset)

    async def recent_failures(self, *, limit: int) -> OpsJobPage:
        async with self.ctx.sessions() as session:
            rows, total = await OpsRepository(session).recent_failures(limit=limit)
        return OpsJobPage(items=[ops_job_out(r) for r in rows], total=total, limit=limit, offset=0)

    async def get_job(self, job_id: uuid.UUID) -> OpsJobOut:
        async with self.ctx.sessions() as session:
            row = await OpsRepository(session).get_job(job_id)
        if row is None:
            raise NotFound("no such job", error_code="job_not_found")
        return ops_job_out(row)

    async def retry(self, job_id: uuid.UUID) -> OpsJobOut:
        """Queue a failed or cancelled job again (409 ``job_not_retryable`` otherwise)."""
        async with self.ctx.sessions.begin() as session:
            await retry_job(session, job_id)
            # A cancelled job's signal must be gone before its steps can be taken again (after the
            # commit), or they would stop at once: without Redis, the retry is rolled back.
            try:
                await self.ctx.redis.delete(cancel_key(job_id))
            except TRANSIENT_ERRORS as exc:
                raise _redis_down(exc) from None
        self._audit("retry_job", job_id)
        return await self.get_job(job_id)

    async def cancel(self, job_id: uuid.UUID) -> OpsJobOut:
        """Cancel a job whose media is still being made (409 ``job_not_cancellable`` otherwise)."""
        async with self.ctx.sessions.begin() as session:
            await cancel_job(session, job_id)
        try:
            await self.ctx.redis.set(cancel_key(job_id), self.admin.id.hex, ex=CANCEL_SIGNAL_TTL_SECONDS)
        except TRANSIENT_ERRORS as exc:
            # The job is cancelled all the same: a running step's result will be refused. Only
            # its ffmpeg goes on until it ends by itself.
            log.warning("cancel signal not sent to workers", extra={"job_id": str(job_id), "error": type(exc).__name__})
        self._audit("cancel_job", job_id)
        return await self.get_job(job_id)

    async def queues(self) -> QueuePage:
        try:
            async with self.ctx.sessions() as session:
                stats = await queue_stats(self.ctx.redis, session)
        except TRANSIENT_ERRORS as exc:
            raise _redis_down(exc) from None
        return QueuePage(items=[queue_out(s) for s in stats], total=len(stats))

    async def workers(self) -> WorkerPage:
        try:
            beats = await live_workers(self.ctx.redis)
        except TRANSIENT_ERRORS as exc:
            raise _redis_down(exc) from None
        now = utcnow()
        return WorkerPage(items=[worker_out(b, now) for b in beats], total=len(beats))

    def _audit(self, action: str, job_id: uuid.UUID) -> None:
        log.info("admin action", extra={"action": action, "admin_id": str(self.admin.id), "job_id": str(job_id)})


def _redis_down(exc: BaseException) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"the broker (Redis) cannot be reached: {type(exc).__name__}", error_code="broker_unavailable"
    )
