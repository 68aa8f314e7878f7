"""Quiz attempts: graded on the server, limited per quiz and per hour, listed with the best score.

Order of checks for an attempt: the quiz exists for the caller (404), the policy (enrolled
students; 401/403), a verified e-mail, a premium plan for a premium quiz, the answers' ids
(422 ``unknown_question``), the quiz's ``max_attempts`` (409 ``attempts_exhausted``), then the
hourly rate limit (429 ``too_many_attempts``; refused requests are not counted). The attempt's
number is unique per quiz and student, so two concurrent attempts cannot both be the last one
allowed. The attempt counts as the day's learning activity (the streak) in the same transaction.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.exc import IntegrityError

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.courses.services import read_facts
from api.authz.principal import require_verified
from api.authz.quizzes import QuizAction, authorize_quiz
from api.context import AppContext
from api.quizzes.grading import grade
from api.quizzes.schemas import AttemptIn, AttemptOut, AttemptPage, BestScore
from api.quizzes.services import check_premium, load_quiz, quiz_not_found
from api.quizzes.views import attempt_out, questions_of
from api.ratelimit import RateLimiter, counter
from core.errors import Conflict, Forbidden, RateLimited
from core.ids import new_id, utcnow
from storage.models.quizzes import QuizAttempt
from storage.models.users import User
from storage.repositories import quiz_reads
from storage.repositories.progress import record_learning_activity
from storage.repositories.quizzes import AttemptRepository

_ATTEMPTS = msgspec.json.Decoder(list[AttemptOut])
_BEST = msgspec.json.Decoder(BestScore)


def attempts_exhausted(limit: int) -> Conflict:
    return Conflict(f"this quiz allows {limit} attempts and you have used them", error_code="attempts_exhausted")


class AttemptService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def attempt(self, caller: User, quiz_id: uuid.UUID, data: AttemptIn) -> AttemptOut:
        async with self.ctx.sessions() as session:
            quiz, facts = await load_quiz(session, quiz_id, caller)
            authorize_quiz(caller, facts, QuizAction.ATTEMPT)
            require_verified(caller)
            await check_premium(session, caller, facts, quiz)
            graded = grade(questions_of(quiz), data.answers, quiz.passing_score)
            used = await AttemptRepository(session).count(quiz_id, caller.id)
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise attempts_exhausted(quiz.max_attempts)
        await self._count(caller)
        now = utcnow()
        attempt = QuizAttempt(
            id=new_id(),
            quiz_id=quiz_id,
            user_id=caller.id,
            attempt_number=used + 1,
            answers=data.answers,
            results=[{"id": qid, "correct": ok} for qid, ok in graded.results],
            score=graded.score,
            max_score=graded.max_score,
            fraction=graded.fraction,
            passed=graded.passed,
            created_at=now,
        )
        try:
            async with self.ctx.sessions.begin() as session:
                await AttemptRepository(session).add(attempt)
                await record_learning_activity(session, caller, now)
        except IntegrityError:
            # Another attempt of the same student took this number first.
            raise Conflict(
                "another attempt at this quiz was just made; try again", error_code="attempt_conflict"
            ) from None
        return attempt_out(attempt)

    async def _count(self, caller: User) -> None:
        limit = self.ctx.settings.rate_limits.quiz_attempts
        try:
            await RateLimiter(self.ctx.redis).hit(limit, counter("quiz-attempts", "account", str(caller.id)))
        except RateLimited as exc:
            raise RateLimited(
                "you have attempted quizzes as often as allowed for now",
                error_code="too_many_attempts",
                headers=exc.headers,
            ) from None

    async def list(
        self, claims: TokenClaims, quiz_id: uuid.UUID, user_id: uuid.UUID | None, *, limit: int, offset: int
    ) -> AttemptPage:
        """One's own attempts; the course's teacher (and admins) see every student's, or one's
        (``user_id``): one statement, the account check included."""
        read = quiz_reads.attempt_page(self.ctx.reads, claims.sub, quiz_id, user_id, limit=limit, offset=offset)
        caller_row, found, total, items, best = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if found is None:
            raise quiz_not_found()
        allowed = authorize_quiz(caller, read_facts(found), QuizAction.VIEW)
        if QuizAction.SEE_ANSWERS not in allowed and user_id not in (None, caller.id):
            raise Forbidden("only the course's teacher sees other students' attempts", error_code="not_course_teacher")
        return AttemptPage(
            items=_ATTEMPTS.decode(items),
            total=total,
            limit=limit,
            offset=offset,
            best=None if best is None else _BEST.decode(best),
        )
