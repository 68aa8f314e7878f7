"""/api/v1/courses/{id}/quizzes and /api/v1/quizzes/{id}[/attempts] (DESIGN §10)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED

from api.auth.caller import OPTIONAL_TOKEN, access_claims, optional_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.quizzes.attempts import AttemptService
from api.quizzes.schemas import AttemptIn, AttemptOut, AttemptPage, QuizCreate, QuizOut, QuizPage, QuizPublicOut
from api.quizzes.services import QuizService
from storage.models.users import User


class QuizzesController(Controller):
    path = "/api/v1"
    tags = ["quizzes"]

    @post("/courses/{course_id:uuid}/quizzes", status_code=HTTP_201_CREATED)
    async def create_quiz(self, course_id: uuid.UUID, data: QuizCreate, ctx: AppContext, current_user: User) -> QuizOut:
        """Add a quiz to the course (its teacher, or an admin; verified e-mail)."""
        return await QuizService(ctx).create(current_user, course_id, data)

    @get(
        "/courses/{course_id:uuid}/quizzes",
        security=OPTIONAL_TOKEN,
        dependencies={"claims": Provide(optional_claims, sync_to_thread=False)},
    )
    async def list_quizzes(
        self, course_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None, limit: Limit = 20, offset: Offset = 0
    ) -> QuizPage:
        """The course's quizzes as summaries (no questions), oldest first (one statement)."""
        return await QuizService(ctx).list(claims, course_id, limit=limit, offset=offset)

    @get("/quizzes/{quiz_id:uuid}", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def get_quiz(self, quiz_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> QuizOut | QuizPublicOut:
        """The quiz: with answers for its course's teacher and admins, without for enrolled students."""
        return await QuizService(ctx).read(claims, quiz_id)

    @post("/quizzes/{quiz_id:uuid}/attempts", status_code=HTTP_201_CREATED)
    async def attempt(self, quiz_id: uuid.UUID, data: AttemptIn, ctx: AppContext, current_user: User) -> AttemptOut:
        """Answer the quiz (enrolled students): graded on the server."""
        return await AttemptService(ctx).attempt(current_user, quiz_id, data)

    @get("/quizzes/{quiz_id:uuid}/attempts", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def list_attempts(
        self,
        quiz_id: uuid.UUID,
        ctx: AppContext,
        claims: TokenClaims,
        user_id: uuid.UUID | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> AttemptPage:
        """Your attempts, newest first, with your best; the teacher sees every student's (or ``user_id``'s)."""
        return await AttemptService(ctx).list(claims, quiz_id, user_id, limit=limit, offset=offset)
