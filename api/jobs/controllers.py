"""GET /api/v1/jobs/{id}."""

from __future__ import annotations

import uuid

from litestar import Controller, get

from api.context import AppContext
from api.jobs.schemas import JobOut, job_out
from core.errors import NotFound
from storage.models.users import User
from storage.repositories.jobs import JobRepository


class JobsController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]

    @get("/{job_id:uuid}")
    async def get_job(self, job_id: uuid.UUID, ctx: AppContext, current_user: User) -> JobOut:
        """The job's state and each step's state, progress, attempts and error."""
        async with ctx.sessions() as session:
            job = await JobRepository(session).get(job_id)
        if job is None or job.owner_id != current_user.id:
            raise NotFound("no such job", error_code="job_not_found")
        return job_out(job)
