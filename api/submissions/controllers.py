"""/api/v1/blocks/{id}/submissions and /api/v1/submissions/{id} (DESIGN §10)."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import Provide
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.caller import access_claims, read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseFacts
from api.authz.submissions import authorize_block_listing
from api.context import AppContext
from api.fields import Limit, Offset
from api.submissions.schemas import SubmissionGrade, SubmissionOut, SubmissionPage
from api.submissions.services import SubmissionService
from api.uploads import FormBody
from core.errors import NotFound
from storage.models.users import User
from storage.repositories.submission_reads import submission_page

_ITEMS = msgspec.json.Decoder(list[SubmissionOut])


class SubmissionsController(Controller):
    path = "/api/v1"
    tags = ["submissions"]

    @post(
        "/blocks/{block_id:uuid}/submissions",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # the upload enforces MAX_UPLOAD_BYTES itself, while streaming
        summary="Hand in work for an assignment block (multipart/form-data: file, note)",
    )
    async def submit(self, request: Request, block_id: uuid.UUID, ctx: AppContext, current_user: User) -> SubmissionOut:
        """Enrolled students: the file becomes your recording, processed like any upload, seen by the teacher."""
        return await SubmissionService(ctx).submit(current_user, block_id, FormBody.of(request))

    @get("/blocks/{block_id:uuid}/submissions", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def list_submissions(
        self, ctx: AppContext, claims: TokenClaims, block_id: uuid.UUID, limit: Limit = 20, offset: Offset = 0
    ) -> SubmissionPage:
        """The teacher sees everyone's, a student their own; newest first (one statement)."""
        read = submission_page(ctx.reads, claims.sub, block_id, limit=limit, offset=offset)
        caller_row, block, total, items = await read_as(ctx, claims, read)
        caller = check_account(claims, caller_row)
        if block is None:
            raise NotFound("no such block", error_code="block_not_found")
        authorize_block_listing(caller, CourseFacts(block.teacher_id, block.is_published, block.enrolled))
        return SubmissionPage(items=_ITEMS.decode(items), total=total, limit=limit, offset=offset)

    @put(
        "/submissions/{submission_id:uuid}/file",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,
        summary="Replace the submission's file (multipart/form-data: file, note)",
    )
    async def replace_file(
        self, request: Request, submission_id: uuid.UUID, ctx: AppContext, current_user: User
    ) -> SubmissionOut:
        """A new recording and job replace the old one, which is deleted; the grade is cleared."""
        return await SubmissionService(ctx).replace(current_user, submission_id, FormBody.of(request))

    @delete("/submissions/{submission_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def withdraw(self, submission_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Withdraw the submission (its student); the recording stays the student's."""
        await SubmissionService(ctx).withdraw(current_user, submission_id)

    @patch("/submissions/{submission_id:uuid}")
    async def grade(
        self, submission_id: uuid.UUID, data: SubmissionGrade, ctx: AppContext, current_user: User
    ) -> SubmissionOut:
        """Grade (0-100) and give feedback (the course's teacher); the student is notified."""
        return await SubmissionService(ctx).grade(current_user, submission_id, data)
