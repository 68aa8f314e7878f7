"""Quiz rows to bodies: the teacher's view with answers, the student's without (another struct)."""

from __future__ import annotations

import msgspec

from api.quizzes.schemas import (
    AttemptOut,
    BestScore,
    QuestionOut,
    QuestionPublic,
    QuestionResult,
    QuizOut,
    QuizPublicOut,
    QuizSummary,
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


def without_answers(quiz: Quiz) -> QuizPublicOut:
    # Converted from the stored documents straight into the answer-less struct: the answer is
    # never in a body-shaped object a student's response is built from.
    return QuizPublicOut(**_common(quiz), questions=msgspec.convert(quiz.questions, list[QuestionPublic]))  # type: ignore[arg-type]


def summary(quiz: Quiz) -> QuizSummary:
    return QuizSummary(**_common(quiz), question_count=len(quiz.questions))  # type: ignore[arg-type]


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


def best_of(attempt: QuizAttempt | None) -> BestScore | None:
    if attempt is None:
        return None
    return BestScore(score=attempt.score, max_score=attempt.max_score, fraction=attempt.fraction, passed=attempt.passed)
