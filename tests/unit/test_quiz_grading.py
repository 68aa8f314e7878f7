"""Grading as DESIGN §10 says, and the rules a quiz's questions must follow, as tables."""

from __future__ import annotations

import msgspec
import pytest

from api.quizzes.grading import grade, is_correct
from api.quizzes.questions import validate_questions
from api.quizzes.schemas import AttemptIn, QuestionIn, QuestionPublic, QuizCreate
from core.errors import CadenzaError
from core.limits import RateLimit, limits_from_env


def q(kind: str, answer: object, options: list[str] | None = None, points: int = 1, id: str = "q") -> QuestionIn:
    return QuestionIn(id=id, text="?", kind=kind, answer=answer, options=options, points=points)  # type: ignore[arg-type]


SINGLE = q("single", "G", ["C", "G", "F"])
MULTIPLE = q("multiple", ["C", "E"], ["C", "D", "E"])
TRUE_FALSE = q("true_false", False)
SHORT = q("short_text", "Allegro")

CORRECTNESS = [
    (SINGLE, "G", True),
    (SINGLE, "C", False),
    (SINGLE, "g", False),  # options are values, compared exactly
    (SINGLE, ["G"], False),
    (SINGLE, None, False),
    (MULTIPLE, ["E", "C"], True),  # order does not matter
    (MULTIPLE, ["C", "E", "C"], True),  # nor repeats
    (MULTIPLE, ["C"], False),  # partly right is wrong
    (MULTIPLE, ["C", "D", "E"], False),
    (MULTIPLE, "C", False),
    (TRUE_FALSE, False, True),
    (TRUE_FALSE, True, False),
    (TRUE_FALSE, "false", False),  # a string is not a boolean
    (TRUE_FALSE, None, False),
    (SHORT, "  allegro ", True),  # case and outer spaces do not matter
    (SHORT, "ALLEGRO", True),
    (SHORT, "al legro", False),  # inner spaces do
    (SHORT, True, False),
]


@pytest.mark.parametrize(("question", "given", "correct"), CORRECTNESS)
def test_a_question_is_right_only_when_wholly_right(question: QuestionIn, given: object, correct: bool) -> None:
    assert is_correct(question, given) is correct  # type: ignore[arg-type]


QUIZ = [q("single", "G", ["C", "G"], 3, "a"), q("true_false", True, None, 5, "b"), q("short_text", "x", None, 2, "c")]


@pytest.mark.parametrize(
    ("answers", "score", "fraction", "passed", "results"),
    [
        ({"a": "G", "b": True, "c": "X"}, 10, 1.0, True, (True, True, True)),
        ({"a": "G", "c": "x"}, 5, 0.5, False, (True, False, True)),
        ({"b": True, "c": "x "}, 7, 0.7, True, (False, True, True)),  # exactly the passing score
        ({}, 0, 0.0, False, (False, False, False)),
    ],
)
def test_points_fraction_and_passed(
    answers: dict, score: int, fraction: float, passed: bool, results: tuple[bool, ...]
) -> None:
    graded = grade(QUIZ, answers, 0.7)
    assert (graded.score, graded.max_score, graded.fraction, graded.passed) == (score, 10, fraction, passed)
    assert graded.results == tuple(zip("abc", results, strict=True))


def test_an_answer_to_a_question_the_quiz_lacks_is_refused() -> None:
    with pytest.raises(CadenzaError) as err:
        grade(QUIZ, {"a": "G", "zz": True}, 0.7)
    assert (err.value.status_code, err.value.error_code) == (422, "unknown_question")


RULES = [
    (q("single", "G", None), "options_required"),
    (q("single", "G", ["G"]), "options_required"),
    (q("multiple", ["G"], ["G", "G"]), "duplicate_option"),
    (q("single", "A", ["C", "G"]), "invalid_answer"),
    (q("single", ["C"], ["C", "G"]), "invalid_answer"),
    (q("multiple", [], ["C", "G"]), "invalid_answer"),
    (q("multiple", ["C", "C"], ["C", "G"]), "invalid_answer"),
    (q("multiple", ["C", "A"], ["C", "G"]), "invalid_answer"),
    (q("multiple", "C", ["C", "G"]), "invalid_answer"),
    (q("true_false", "true"), "invalid_answer"),
    (q("true_false", True, ["yes", "no"]), "options_not_allowed"),
    (q("short_text", "  "), "invalid_answer"),
    (q("short_text", ["a"]), "invalid_answer"),
    (q("short_text", "a", ["a", "b"]), "options_not_allowed"),
]


@pytest.mark.parametrize(("question", "code"), RULES)
def test_question_rules(question: QuestionIn, code: str) -> None:
    with pytest.raises(CadenzaError) as err:
        validate_questions([question])
    assert (err.value.status_code, err.value.error_code) == (422, code)


def test_valid_questions_pass_and_ids_are_unique() -> None:
    validate_questions([SINGLE, q("multiple", ["C"], ["C", "D"], id="m"), q("true_false", True, id="t")])
    with pytest.raises(CadenzaError) as err:
        validate_questions([SINGLE, SINGLE])
    assert err.value.error_code == "duplicate_question_id"


def test_bodies_decode_every_answer_type_and_default_the_passing_score() -> None:
    body = {"title": "Keys", "questions": [{"id": "a", "text": "?", "kind": "true_false", "answer": True}]}
    quiz = msgspec.json.decode(msgspec.json.encode(body), type=QuizCreate)
    assert (quiz.passing_score, quiz.questions[0].points, quiz.max_attempts) == (0.7, 1, None)
    attempt = msgspec.json.decode(b'{"answers": {"a": true, "b": "x", "c": ["y"]}}', type=AttemptIn)
    assert attempt.answers == {"a": True, "b": "x", "c": ["y"]}


def test_the_student_view_of_a_question_has_no_answer_field() -> None:
    assert "answer" in QuestionIn.__struct_fields__
    assert "answer" not in QuestionPublic.__struct_fields__


def test_the_attempt_limit_is_ten_an_hour_and_configurable() -> None:
    assert limits_from_env({})[0].quiz_attempts == RateLimit(10, 3600)
    assert limits_from_env({"RATE_LIMIT_QUIZ_ATTEMPTS": "3/60"})[0].quiz_attempts == RateLimit(3, 60)
    assert limits_from_env({"RATE_LIMIT_QUIZ_ATTEMPTS": "off"})[0].quiz_attempts is None
