"""/api/v1/recordings/{id}/assessments and /api/v1/users/{id}/progress."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED

from api.assessments.schemas import AssessmentCreate, AssessmentOut, AssessmentPage, ProgressOut
from api.assessments.services import AssessmentService
from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from storage.models.users import User


class AssessmentsController(Controller):
    path = "/api/v1/recordings/{recording_id:uuid}/assessments"
    tags = ["assessments"]

    @post("/", status_code=HTTP_201_CREATED)
    async def assess(
        self, recording_id: uuid.UUID, data: AssessmentCreate, ctx: AppContext, current_user: User
    ) -> AssessmentOut:
        """A teacher in an active relationship with the owner assesses the recording (else 403 not_your_student)."""
        return await AssessmentService(ctx).create(current_user, recording_id, data)

    @get("/")
    async def list_assessments(
        self, recording_id: uuid.UUID, ctx: AppContext, current_user: User, limit: Limit = 20, offset: Offset = 0
    ) -> AssessmentPage:
        """The recording's assessments, newest first: its owner, their active teachers, admins."""
        return await AssessmentService(ctx).list(current_user, recording_id, limit=limit, offset=offset)


class ProgressController(Controller):
    path = "/api/v1/users/{user_id:uuid}/progress"
    tags = ["assessments"]

    @get("/", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def progress(self, user_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ProgressOut:
        """Per criterion, the values over time (a chart's series) and the average: the student, their
        active teachers, admins."""
        return await AssessmentService(ctx).progress(claims, user_id)
