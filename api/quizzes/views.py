"""Quiz rows to bodies (the teacher's view, attempts); a student's quiz is read by ``quiz_reads``, without answers."""

from __future__ import annotations

import msgspec

from api.quizzes.schemas import (
    AttemptOut,
    QuestionOut,
    QuestionResult,
    QuizOut,
)
from storage.models.quizzes import Quiz, QuizAttempt


def questions_of(quiz: Quiz) -> list[QuestionOut]:
    return msgspec.convert(quiz.questions, list[QuestionOut])


def _common(quiz: Quiz) -> dict[str, object]:
    return {
        "id": quiz.id,
        "course_id": quiz.course_id,
        "title": quiz.title,
        "passing_score": quiz.passing_score,
        "max_attempts": quiz.max_attempts,
        "is_premium": quiz.is_premium,
        "max_score": quiz.max_score,
        "created_at": quiz.created_at,
    }


def with_answers(quiz: Quiz) -> QuizOut:
    return QuizOut(**_common(quiz), questions=questions_of(quiz))  # type: ignore[arg-type]


def attempt_out(attempt: QuizAttempt) -> AttemptOut:
    return AttemptOut(
        id=attempt.id,
        quiz_id=attempt.quiz_id,
        user_id=attempt.user_id,
        attempt_number=attempt.attempt_number,
        score=attempt.score,
        max_score=attempt.max_score,
        fraction=attempt.fraction,
        passed=attempt.passed,
        questions=msgspec.convert(attempt.results, list[QuestionResult]),
        created_at=attempt.created_at,
    )
