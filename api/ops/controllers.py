"""/api/v1/admin/{jobs,failures,queues,workers} (admins only: 403 ``admin_required``) and /ops.

The dashboard at ``/ops`` is a static page (HTML, CSS and vanilla JS, no build step). It holds
no data itself: it signs in through ``/api/v1/auth/login`` and calls the admin API with the
access token, so it is served to anyone.
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK

from api.admin.services import require_admin
from api.context import AppContext
from api.fields import Limit, Offset
from api.ops.schemas import ErrorCode, JobStateName, OpsJobOut, OpsJobPage, QueueName, QueuePage, WorkerPage
from api.ops.services import OpsService
from storage.models.users import User
from storage.repositories.ops import JobFilter

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The page loads only its own files and talks only to its own origin.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
FailuresLimit = Annotated[int, Parameter(ge=1, le=100, description="how many failures")]


class OpsController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]
    dependencies = {"admin": Provide(require_admin)}

    @get("/jobs")
    async def list_jobs(
        self,
        ctx: AppContext,
        admin: User,
        job_state: Annotated[JobStateName | None, Parameter(query="state", description="job state")] = None,
        queue: QueueName | None = None,
        error_code: ErrorCode = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> OpsJobPage:
        """Jobs of every owner, newest first (``state`` is the job's state).

        ``queue``: jobs with a step on that queue that waits there (sent, or due in the outbox),
        runs, or failed. ``error_code``: the job's, or one of its steps' last error code.
        """
        where = JobFilter(state=job_state, queue=queue, error_code=error_code)
        return await OpsService(ctx, admin).list_jobs(where, limit=limit, offset=offset)

    @get("/jobs/{job_id:uuid}")
    async def get_job(self, job_id: uuid.UUID, ctx: AppContext, admin: User) -> OpsJobOut:
        """One job with its recording, owner and every step (404 ``job_not_found``)."""
        return await OpsService(ctx, admin).get_job(job_id)

    @post("/jobs/{job_id:uuid}/retry", status_code=HTTP_200_OK)
    async def retry_job(self, job_id: uuid.UUID, ctx: AppContext, admin: User) -> OpsJobOut:
        """Queue a failed or cancelled job again from where it stopped, with fresh attempts
        (409 ``job_not_retryable`` for a queued, running or succeeded job)."""
        return await OpsService(ctx, admin).retry(job_id)

    @post("/jobs/{job_id:uuid}/cancel", status_code=HTTP_200_OK)
    async def cancel_job(self, job_id: uuid.UUID, ctx: AppContext, admin: User) -> OpsJobOut:
        """Cancel a job whose media is still being made: it ends failed with ``cancelled``
        (409 ``job_not_cancellable`` otherwise)."""
        return await OpsService(ctx, admin).cancel(job_id)

    @get("/failures")
    async def recent_failures(self, ctx: AppContext, admin: User, limit: FailuresLimit = 20) -> OpsJobPage:
        """Failed jobs (cancelled ones included), the most recently finished first; ``total``
        counts every failed job."""
        return await OpsService(ctx, admin).recent_failures(limit=limit)

    @get("/queues")
    async def queues(self, ctx: AppContext, admin: User) -> QueuePage:
        """Per queue: waiting, delayed (outbox), in flight, dead letters, steps done and failed in
        the last hour, p50/p95 step run time (503 ``broker_unavailable`` without Redis)."""
        return await OpsService(ctx, admin).queues()

    @get("/workers")
    async def workers(self, ctx: AppContext, admin: User) -> WorkerPage:
        """Worker processes with a live heartbeat: queues, running steps, heartbeat age."""
        return await OpsService(ctx, admin).workers()


class OpsDashboardController(Controller):
    path = "/ops"
    include_in_schema = False

    @get("/")
    async def page(self) -> Response[bytes]:
        return _static("ops.html", "text/html; charset=utf-8")

    @get("/ops.js")
    async def script(self) -> Response[bytes]:
        return _static("ops.js", "text/javascript; charset=utf-8")

    @get("/ops.css")
    async def stylesheet(self) -> Response[bytes]:
        return _static("ops.css", "text/css; charset=utf-8")


def _static(name: str, media_type: str) -> Response[bytes]:
    return Response(_read(name), media_type=media_type, headers=PAGE_HEADERS)


@functools.cache
def _read(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()
