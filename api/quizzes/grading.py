"""Grading an attempt on the server (DESIGN §10), a pure function of the questions and the answers.

A question scores its points only when wholly right: ``single`` the one right option;
``multiple`` exactly the right set of options (order and repeats do not matter); ``true_false``
the right boolean; ``short_text`` the right text compared without case and outer spaces.
An unanswered question, or an answer of the wrong type for its kind, scores nothing. ``passed``
is ``fraction >= passing_score``; ``fraction`` is ``score / max_score``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.errors import ValidationFailed

AnswerValue = bool | str | list[str]


class Question(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def answer(self) -> AnswerValue: ...

    @property
    def points(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Graded:
    score: int
    max_score: int
    fraction: float
    passed: bool
    #: ``(question id, correct)`` in the quiz's order.
    results: tuple[tuple[str, bool], ...]


def is_correct(question: Question, given: AnswerValue | None) -> bool:
    """Whether ``given`` wholly answers ``question`` (``None``: unanswered)."""
    expected = question.answer
    if question.kind == "true_false":
        # bool is checked first: a string "true" is not the boolean true.
        return isinstance(given, bool) and given is expected
    if isinstance(given, bool) or given is None:
        return False
    if question.kind == "multiple":
        return isinstance(given, list) and set(given) == set(expected)  # type: ignore[arg-type]
    if not isinstance(given, str):
        return False
    if question.kind == "short_text":
        return given.strip().casefold() == str(expected).strip().casefold()
    return given == expected


def grade(questions: Sequence[Question], answers: Mapping[str, AnswerValue], passing_score: float) -> Graded:
    """Score ``answers`` against ``questions``; an answer to a question the quiz does not have is
    refused (422 ``unknown_question``) rather than silently ignored."""
    known = {q.id for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationFailed(f"the quiz has no question {unknown[0]!r}", error_code="unknown_question")
    results = tuple((q.id, is_correct(q, answers.get(q.id))) for q in questions)
    max_score = sum(q.points for q in questions)
    score = sum(q.points for q, (_, ok) in zip(questions, results, strict=True) if ok)
    fraction = score / max_score if max_score else 0.0
    return Graded(score, max_score, fraction, fraction >= passing_score, results)
