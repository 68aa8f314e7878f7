"""The rules a quiz's questions must follow beyond their shapes (422 with an ``error_code``).

- ``single`` and ``multiple`` need at least two distinct options (``options_required``,
  ``duplicate_option``); ``true_false`` and ``short_text`` take none (``options_not_allowed``).
- The answer fits the kind (``invalid_answer``): one of the options for ``single``; a non-empty
  list of distinct options for ``multiple``; a boolean for ``true_false``; non-blank text for
  ``short_text``.
- Question ids are unique within the quiz (``duplicate_question_id``).
"""

from __future__ import annotations

from collections.abc import Sequence

from api.quizzes.schemas import QuestionIn
from core.errors import ValidationFailed

CHOICE_KINDS = frozenset({"single", "multiple"})


def validate_questions(questions: Sequence[QuestionIn]) -> None:
    """Raise 422 for the first question that breaks a rule."""
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise _invalid(question, "its id is used twice", "duplicate_question_id")
        seen.add(question.id)
        _check_options(question)
        _check_answer(question)


def _check_options(question: QuestionIn) -> None:
    options = question.options
    if question.kind in CHOICE_KINDS:
        if not options or len(options) < 2:
            raise _invalid(question, "a choice question needs at least two options", "options_required")
        if len(set(options)) != len(options):
            raise _invalid(question, "its options must be distinct", "duplicate_option")
    elif options is not None:
        raise _invalid(question, f"a {question.kind} question takes no options", "options_not_allowed")


def _check_answer(question: QuestionIn) -> None:
    answer, options = question.answer, question.options or []
    if question.kind == "single":
        ok = isinstance(answer, str) and answer in options
    elif question.kind == "multiple":
        ok = isinstance(answer, list) and bool(answer) and len(set(answer)) == len(answer)
        ok = ok and all(value in options for value in answer)  # type: ignore[union-attr]
    elif question.kind == "true_false":
        ok = isinstance(answer, bool)
    else:
        ok = isinstance(answer, str) and bool(answer.strip())
    if not ok:
        raise _invalid(question, _ANSWER_RULES[question.kind], "invalid_answer")


_ANSWER_RULES = {
    "single": "the answer must be one of the options",
    "multiple": "the answer must be a non-empty list of distinct options",
    "true_false": "the answer must be true or false",
    "short_text": "the answer must be non-blank text",
}


def _invalid(question: QuestionIn, why: str, code: str) -> ValidationFailed:
    return ValidationFailed(f"question {question.id!r}: {why}", error_code=code)
