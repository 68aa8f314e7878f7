"""/api/v1/courses/{id}/quizzes and /api/v1/quizzes/{id}[/attempts] (DESIGN §10)."""

from __future__ import annotations

import uuid

from litestar import Controller, Request, get, post
from litestar.status_codes import HTTP_201_CREATED

from api.auth.guards import bearer_token, user_for_token
from api.context import AppContext
from api.fields import Limit, Offset
from api.quizzes.attempts import AttemptService
from api.quizzes.schemas import AttemptIn, AttemptOut, AttemptPage, QuizCreate, QuizOut, QuizPage, QuizPublicOut
from api.quizzes.services import QuizService
from api.auth.caller import OPTIONAL_TOKEN
from storage.models.users import User


async def _optional_caller(request: Request, ctx: AppContext) -> User | None:
    token = bearer_token(request)
    return None if token is None else await user_for_token(ctx, token)


class QuizzesController(Controller):
    path = "/api/v1"
    tags = ["quizzes"]

    @post("/courses/{course_id:uuid}/quizzes", status_code=HTTP_201_CREATED)
    async def create_quiz(self, course_id: uuid.UUID, data: QuizCreate, ctx: AppContext, current_user: User) -> QuizOut:
        """Add a quiz to the course (its teacher, or an admin; verified e-mail)."""
        return await QuizService(ctx).create(current_user, course_id, data)

    @get("/courses/{course_id:uuid}/quizzes", security=OPTIONAL_TOKEN)
    async def list_quizzes(
        self, request: Request, course_id: uuid.UUID, ctx: AppContext, limit: Limit = 20, offset: Offset = 0
    ) -> QuizPage:
        """The course's quizzes as summaries (no questions), oldest first."""
        caller = await _optional_caller(request, ctx)
        return await QuizService(ctx).list(caller, course_id, limit=limit, offset=offset)

    @get("/quizzes/{quiz_id:uuid}")
    async def get_quiz(self, quiz_id: uuid.UUID, ctx: AppContext, current_user: User) -> QuizOut | QuizPublicOut:
        """The quiz: with answers for its course's teacher and admins, without for enrolled students."""
        return await QuizService(ctx).read(current_user, quiz_id)

    @post("/quizzes/{quiz_id:uuid}/attempts", status_code=HTTP_201_CREATED)
    async def attempt(self, quiz_id: uuid.UUID, data: AttemptIn, ctx: AppContext, current_user: User) -> AttemptOut:
        """Answer the quiz (enrolled students): graded on the server."""
        return await AttemptService(ctx).attempt(current_user, quiz_id, data)

    @get("/quizzes/{quiz_id:uuid}/attempts")
    async def list_attempts(
        self,
        quiz_id: uuid.UUID,
        ctx: AppContext,
        current_user: User,
        user_id: uuid.UUID | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> AttemptPage:
        """Your attempts, newest first, with your best; the teacher sees every student's (or ``user_id``'s)."""
        return await AttemptService(ctx).list(current_user, quiz_id, user_id, limit=limit, offset=offset)
