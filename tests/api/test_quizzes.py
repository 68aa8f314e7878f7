"""Quizzes over HTTP: validation, answers hidden from students, server grading, limits, premium."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.quiz_support import (  # noqa: F401 - the fixtures
    RIGHT,
    attempt,
    block,
    course,
    create_quiz,
    enroll,
    expect_error,
    premium,
    quiz,
    student_fixture,
    submit,
    teacher_fixture,
)
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api


def test_the_teacher_sees_answers_and_a_student_gets_a_body_without_them(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    enroll(base_env["DATABASE_URL"], c, student)
    r = create_quiz(api, c, max_attempts=3)
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["passing_score"], created["max_attempts"], created["max_score"]) == (0.7, 3, 10)
    quiz_id = created["id"]

    as_teacher = api.http.get(f"/api/v1/quizzes/{quiz_id}", headers=teacher.headers).json()
    assert [q["answer"] for q in as_teacher["questions"]] == ["G", ["C", "E", "G"], True, "Allegro"]
    r = api.http.get(f"/api/v1/quizzes/{quiz_id}", headers=student.headers)
    assert r.status_code == 200, r.text
    assert all("answer" not in q for q in r.json()["questions"])
    assert "Allegro" not in r.text and r.json()["questions"][0]["options"] == ["C", "G", "F"]

    listed = api.http.get(f"/api/v1/courses/{c.id}/quizzes").json()  # anonymous: a published course
    assert [(q["id"], q["question_count"]) for q in listed["items"]] == [(quiz_id, 4)] and listed["total"] == 1
    assert "questions" not in listed["items"][0]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "single", "options": None}, "options_required"),
        ({"kind": "single", "answer": "B"}, "invalid_answer"),
        ({"kind": "multiple", "answer": "G"}, "invalid_answer"),
        ({"kind": "true_false", "options": None, "answer": "yes"}, "invalid_answer"),
        ({"kind": "short_text", "options": ["a", "b"], "answer": "a"}, "options_not_allowed"),
        ({"kind": "essay"}, "validation_error"),
        ({"points": 0}, "validation_error"),
    ],
)
def test_invalid_questions_are_refused_with_their_code(
    api: Api, base_env: dict[str, str], teacher: Account, change: dict, code: str
) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    question = {"id": "q", "text": "?", "kind": "single", "options": ["C", "G"], "answer": "G", **change}
    expect_error(create_quiz(api, c, questions=[question]), 422, code)


def test_other_quiz_fields_are_validated(api: Api, base_env: dict[str, str], teacher: Account) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    expect_error(create_quiz(api, c, passing_score=1.5), 422, "validation_error")
    expect_error(create_quiz(api, c, questions=[]), 422, "validation_error")
    twice = [{"id": "a", "text": "?", "kind": "true_false", "answer": True}] * 2
    expect_error(create_quiz(api, c, questions=twice), 422, "duplicate_question_id")
    expect_error(create_quiz(api, c, surprise=True), 422, "validation_error")


def test_an_attempt_is_graded_on_the_server(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    quiz_id = quiz(api, c)

    # Partly right: "notes" misses one option and "tempo" is wrong: 2 + 1 of 10 points
    r = attempt(api, student, quiz_id, {"key": "G", "notes": ["C", "E"], "sharp": True, "tempo": "Lento"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["score"], body["max_score"], body["fraction"], body["passed"]) == (3, 10, 0.3, False)
    assert body["questions"] == [
        {"id": "key", "correct": True}, {"id": "notes", "correct": False},
        {"id": "sharp", "correct": True}, {"id": "tempo", "correct": False},
    ]  # fmt: skip
    assert "answer" not in r.text

    best = attempt(api, student, quiz_id, RIGHT).json()
    assert (best["score"], best["fraction"], best["passed"], best["attempt_number"]) == (10, 1.0, True, 2)
    # Exactly the passing score passes: 7 of 10
    r = attempt(api, student, quiz_id, {"key": "G", "sharp": True, "tempo": "ALLEGRO"})
    assert (r.json()["score"], r.json()["passed"]) == (7, True)

    expect_error(attempt(api, student, quiz_id, {"nope": "G"}), 422, "unknown_question")
    expect_error(attempt(api, student, quiz_id, {"key": {"x": 1}}), 422, "validation_error")

    mine = api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=student.headers).json()
    assert mine["total"] == 3 and [a["attempt_number"] for a in mine["items"]] == [3, 2, 1]
    assert mine["best"] == {"score": 10, "max_score": 10, "fraction": 1.0, "passed": True}

    # The attempt was a learning day (the streak counts it), the course's progress shows the best
    # score, and the month's usage counts the attempts
    [row] = sql(db, "SELECT count(*) AS n FROM learning_days WHERE user_id = $1", uuid.UUID(student.id))
    assert row["n"] == 1
    progress = api.http.get(f"/api/v1/courses/{c.id}/progress", headers=student.headers).json()
    assert progress["quiz_scores"] == [
        {"quiz_id": quiz_id, "title": "Basics", "best_fraction": 1.0, "passed": True, "attempts": 3}
    ]
    assert progress["streak_days"] == 1
    usage = api.http.get("/api/v1/users/me/usage", headers=student.headers).json()
    assert usage["quiz_attempts"] == 3


def test_the_teacher_sees_every_students_attempts_a_student_only_their_own(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    other = verified(api, base_env)
    for s in (student, other):
        enroll(db, c, s)
    quiz_id = quiz(api, c)
    attempt(api, student, quiz_id, RIGHT)
    attempt(api, other, quiz_id, {})

    everyone = api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=teacher.headers).json()
    assert {a["user_id"] for a in everyone["items"]} == {student.id, other.id}
    one = api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=teacher.headers, params={"user_id": other.id})
    assert (one.json()["total"], one.json()["best"]["score"]) == (1, 0)
    own = api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=other.headers).json()
    assert [a["user_id"] for a in own["items"]] == [other.id]
    r = api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=other.headers, params={"user_id": student.id})
    expect_error(r, 403, "not_course_teacher")


def test_max_attempts_is_enforced(api: Api, base_env: dict[str, str], teacher: Account, student: Account) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    enroll(base_env["DATABASE_URL"], c, student)
    quiz_id = quiz(api, c, max_attempts=2)
    assert [attempt(api, student, quiz_id, {}).status_code for _ in range(2)] == [201, 201]
    expect_error(attempt(api, student, quiz_id, RIGHT), 409, "attempts_exhausted")


def test_attempts_are_rate_limited_per_user(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    enroll(base_env["DATABASE_URL"], c, student)
    quiz_id = quiz(api, c)
    assert {attempt(api, student, quiz_id, {}).status_code for _ in range(10)} == {201}
    r = attempt(api, student, quiz_id, RIGHT)
    expect_error(r, 429, "too_many_attempts")
    assert int(r.headers["Retry-After"]) > 0
    assert api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=student.headers).json()["total"] == 10


def test_premium_quizzes_need_a_premium_plan(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    quiz_id = quiz(api, c, is_premium=True)
    expect_error(attempt(api, student, quiz_id, RIGHT), 403, "premium_required")
    expect_error(api.http.get(f"/api/v1/quizzes/{quiz_id}", headers=student.headers), 403, "premium_required")
    premium(db, student)
    assert attempt(api, student, quiz_id, RIGHT).status_code == 201


def test_a_quiz_block_names_a_quiz_of_its_own_course(api: Api, base_env: dict[str, str], teacher: Account) -> None:
    db = base_env["DATABASE_URL"]
    c, elsewhere = course(db, teacher), course(db, teacher)
    own, foreign = quiz(api, c), quiz(api, elsewhere)

    def add_block(quiz_id: str) -> httpx.Response:
        body = {"kind": "quiz", "title": "Check yourself", "quiz_id": quiz_id}
        return api.http.post(f"/api/v1/chapters/{c.chapter_id}/blocks", headers=teacher.headers, json=body)

    assert add_block(own).status_code == 201
    expect_error(add_block(foreign), 422, "unknown_quiz")
    expect_error(add_block(str(uuid.uuid4())), 422, "unknown_quiz")


def test_an_unverified_teacher_may_not_write(api: Api, base_env: dict[str, str], student: Account) -> None:
    db = base_env["DATABASE_URL"]
    unverified = api.register("teacher")
    c = course(db, unverified)
    enroll(db, c, student)
    expect_error(create_quiz(api, c), 403, "email_not_verified")
    submission = submit(api, student, block(db, c)).json()
    r = api.http.patch(f"/api/v1/submissions/{submission['id']}", headers=unverified.headers, json={"grade": 50})
    expect_error(r, 403, "email_not_verified")


def test_concurrent_attempts_cannot_pass_max_attempts(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    c = course(base_env["DATABASE_URL"], teacher)
    enroll(base_env["DATABASE_URL"], c, student)
    quiz_id = quiz(api, c, max_attempts=1)
    # When four attempts arrive at once (the app serves them concurrently on its event loop)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: attempt(api, student, quiz_id, RIGHT), range(4)))
    # Then one is graded and the others are refused: by the limit, or by the attempt number taken
    codes = sorted((r.status_code, r.json().get("error_code")) for r in answers)
    assert codes[0] == (201, None) and all(code[0] == 409 for code in codes[1:]), codes
    assert {code[1] for code in codes[1:]} <= {"attempts_exhausted", "attempt_conflict"}
    assert api.http.get(f"/api/v1/quizzes/{quiz_id}/attempts", headers=student.headers).json()["total"] == 1
