"""GET /api/v1/jobs/{id}: one statement (the caller's account and the job with its steps)."""

from __future__ import annotations

import uuid

from litestar import Controller, Request, Response, get
from litestar.di import Provide

from api.auth.caller import access_claims, read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.conditional import NOT_MODIFIED, client_has, not_modified, tag_headers, weak_etag
from api.context import AppContext
from api.jobs.schemas import JobOut, job_view_out
from core.errors import NotFound
from storage.repositories.job_reads import job_detail


class JobsController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @get("/{job_id:uuid}", responses=NOT_MODIFIED)
    async def get_job(
        self, request: Request, job_id: uuid.UUID, ctx: AppContext, claims: TokenClaims
    ) -> Response[JobOut]:
        """The job's state and each step's state, progress, attempts and error.

        Answers with an ``ETag`` that changes with any step; ``If-None-Match`` with the current one
        answers 304 without a body.
        """
        found = await read_as(ctx, claims, job_detail(ctx.reads, claims.sub, job_id))
        check_account(claims, found.caller)
        if found.view is None or found.view.owner_id != claims.sub:
            raise NotFound("no such job", error_code="job_not_found")
        etag = weak_etag(found.version)
        if client_has(request, etag):
            return not_modified(etag)
        return Response(job_view_out(found.view), headers=tag_headers(etag))
