"""Creating, reading and listing quizzes; each action authorized by ``api.authz.quizzes``."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseFacts
from api.authz.principal import require_verified
from api.authz.quizzes import QuizAction, authorize_quiz, require_premium
from api.context import AppContext
from api.courses.services import read_facts
from api.quizzes.questions import validate_questions
from api.quizzes.schemas import QuizCreate, QuizOut, QuizPage, QuizPublicOut, QuizSummary
from api.quizzes.views import with_answers
from core.errors import NotFound
from core.ids import utcnow
from storage.models.quizzes import Quiz
from storage.models.users import User
from storage.repositories.courses import SubscriptionRepository
from storage.repositories import quiz_reads
from storage.repositories.quizzes import CourseRow, QuizRepository, course_row

_WITH_ANSWERS = msgspec.json.Decoder(QuizOut)
#: A student's quiz: decoded from JSON that PostgreSQL built without any ``answer`` (``quiz_reads``).
_WITHOUT_ANSWERS = msgspec.json.Decoder(QuizPublicOut)
_SUMMARIES = msgspec.json.Decoder(list[QuizSummary])


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

    async def read(self, claims: TokenClaims, quiz_id: uuid.UUID) -> QuizOut | QuizPublicOut:
        """The teacher (and admins) see the answers; an enrolled student sees the questions only,
        from JSON PostgreSQL built without them. One statement, the account check included."""
        read = quiz_reads.quiz_detail(self.ctx.reads, claims.sub, quiz_id, utcnow())
        caller_row, found, body = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if found is None:
            raise quiz_not_found()
        facts = read_facts(found)
        allowed = authorize_quiz(caller, facts, QuizAction.VIEW)
        if QuizAction.SEE_ANSWERS in allowed and found.with_answers:
            return _WITH_ANSWERS.decode(body)
        require_premium(caller, facts, found.quiz_is_premium, found.premium)
        return _WITHOUT_ANSWERS.decode(body)

    async def list(self, claims: TokenClaims | None, course_id: uuid.UUID, *, limit: int, offset: int) -> QuizPage:
        """Summaries (no questions) for whoever may see the course: one statement."""
        read = quiz_reads.quiz_page(
            self.ctx.reads, claims.sub if claims else None, course_id, limit=limit, offset=offset
        )
        caller_row, found, total, items = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row) if claims is not None else None
        if found is None:
            raise NotFound("no such course", error_code="course_not_found")
        authorize_quiz(caller, read_facts(found), QuizAction.LIST)
        return QuizPage(items=_SUMMARIES.decode(items), total=total, limit=limit, offset=offset)
