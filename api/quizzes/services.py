"""Creating, reading and listing quizzes; each action authorized by ``api.authz.quizzes``."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.courses import CourseFacts
from api.authz.principal import require_verified
from api.authz.quizzes import QuizAction, authorize_quiz, require_premium
from api.context import AppContext
from api.quizzes.questions import validate_questions
from api.quizzes.schemas import QuizCreate, QuizOut, QuizPage, QuizPublicOut
from api.quizzes.views import summary, with_answers, without_answers
from core.errors import NotFound
from core.ids import utcnow
from storage.models.quizzes import Quiz
from storage.models.users import User
from storage.repositories.courses import SubscriptionRepository
from storage.repositories.quizzes import CourseRow, QuizRepository, course_row


def facts_of(course: CourseRow) -> CourseFacts:
    return CourseFacts(teacher_id=course.teacher_id, is_published=course.is_published, enrolled=course.enrolled)


def quiz_not_found() -> NotFound:
    return NotFound("no such quiz", error_code="quiz_not_found")


async def load_quiz(session: AsyncSession, quiz_id: uuid.UUID, caller: User | None) -> tuple[Quiz, CourseFacts]:
    found = await QuizRepository(session).with_course(quiz_id, caller.id if caller else None)
    if found is None:
        raise quiz_not_found()
    return found[0], facts_of(found[1])


async def check_premium(session: AsyncSession, caller: User, facts: CourseFacts, quiz: Quiz) -> None:
    """403 ``premium_required`` for a premium quiz and a caller without an active premium plan."""
    if quiz.is_premium:
        premium = await SubscriptionRepository(session).is_premium(caller.id, utcnow())
        require_premium(caller, facts, quiz.is_premium, premium)


class QuizService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, course_id: uuid.UUID, data: QuizCreate) -> QuizOut:
        async with self.ctx.sessions.begin() as session:
            course = await course_row(session, course_id, caller.id)
            if course is None:
                raise NotFound("no such course", error_code="course_not_found")
            authorize_quiz(caller, facts_of(course), QuizAction.MANAGE)
            require_verified(caller)
            validate_questions(data.questions)
            quiz = Quiz(
                course_id=course_id,
                title=data.title,
                passing_score=data.passing_score,
                max_attempts=data.max_attempts,
                is_premium=data.is_premium,
                questions=msgspec.to_builtins(data.questions),
                max_score=sum(q.points for q in data.questions),
            )
            await QuizRepository(session).add(quiz)
        return with_answers(quiz)

    async def read(self, caller: User | None, quiz_id: uuid.UUID) -> QuizOut | QuizPublicOut:
        """The teacher (and admins) see the answers; an enrolled student sees the questions only."""
        async with self.ctx.sessions() as session:
            quiz, facts = await load_quiz(session, quiz_id, caller)
            allowed = authorize_quiz(caller, facts, QuizAction.VIEW)
            if QuizAction.SEE_ANSWERS in allowed:
                return with_answers(quiz)
            assert caller is not None  # VIEW without SEE_ANSWERS is an enrolled student
            await check_premium(session, caller, facts, quiz)
        return without_answers(quiz)

    async def list(self, caller: User | None, course_id: uuid.UUID, *, limit: int, offset: int) -> QuizPage:
        """Summaries (no questions) for whoever may see the course."""
        async with self.ctx.sessions() as session:
            course = await course_row(session, course_id, caller.id if caller else None)
            if course is None:
                raise NotFound("no such course", error_code="course_not_found")
            authorize_quiz(caller, facts_of(course), QuizAction.LIST)
            total, quizzes = await QuizRepository(session).page(course_id, limit=limit, offset=offset)
        return QuizPage(items=[summary(q) for q in quizzes], total=total, limit=limit, offset=offset)
