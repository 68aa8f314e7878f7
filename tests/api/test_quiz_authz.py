"""Who may do what to quizzes and submissions over HTTP: every action against every kind of caller.

Callers: the course's teacher, another teacher, an enrolled student (who handed in the work the
submission cells act on), a student of another course, an anonymous caller, an enrolled student
whose e-mail is not verified, and an admin. Each cell is ``status`` or ``status error_code``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.api.quiz_support import RIGHT, Course, attempt, block, course, enroll, quiz, replace, submit
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, verified

pytestmark = pytest.mark.api


@dataclass(frozen=True)
class World:
    db: str
    course: Course
    quiz_id: str
    block_id: str
    callers: dict[str, Account | None]

    @property
    def student(self) -> Account:
        return self.callers["student"]  # type: ignore[return-value]

    def fresh_submission(self, api: Api) -> str:
        """A submission of the enrolled student to a new block (for cells that change or remove it)."""
        r = submit(api, self.student, block(self.db, self.course))
        assert r.status_code == 202, r.text
        return r.json()["id"]


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    db = base_env["DATABASE_URL"]
    teacher = verified(api, base_env, "teacher")
    c = course(db, teacher)
    unverified = api.register()
    callers: dict[str, Account | None] = {
        "teacher": teacher,
        "other-teacher": verified(api, base_env, "teacher"),
        "student": verified(api, base_env),
        "other-student": verified(api, base_env),
        "anonymous": None,
        "unverified": unverified,
        "admin": admin(api, base_env),
    }
    for name in ("student", "unverified"):
        enroll(db, c, callers[name])  # type: ignore[arg-type]
    enroll(db, course(db, callers["other-teacher"]), callers["other-student"])  # type: ignore[arg-type]
    return World(db, c, quiz(api, c), block(db, c), callers)


Action = Callable[[Api, World, Account | None], httpx.Response]
QUESTIONS = [{"id": "a", "text": "?", "kind": "true_false", "answer": True}]

ACTIONS: dict[str, Action] = {
    "create quiz": lambda api, w, c: api.http.post(
        f"/api/v1/courses/{w.course.id}/quizzes", headers=headers(c), json={"title": "T", "questions": QUESTIONS}
    ),
    "list quizzes": lambda api, w, c: api.http.get(f"/api/v1/courses/{w.course.id}/quizzes", headers=headers(c)),
    "view quiz": lambda api, w, c: api.http.get(f"/api/v1/quizzes/{w.quiz_id}", headers=headers(c)),
    "attempt": lambda api, w, c: attempt(api, c, w.quiz_id, RIGHT),
    "list attempts": lambda api, w, c: api.http.get(f"/api/v1/quizzes/{w.quiz_id}/attempts", headers=headers(c)),
    "submit": lambda api, w, c: submit(api, c, block(w.db, w.course)),
    "list submissions": lambda api, w, c: api.http.get(f"/api/v1/blocks/{w.block_id}/submissions", headers=headers(c)),
    "replace file": lambda api, w, c: replace(api, c, w.fresh_submission(api)),
    "withdraw": lambda api, w, c: api.http.delete(f"/api/v1/submissions/{w.fresh_submission(api)}", headers=headers(c)),
    "grade": lambda api, w, c: api.http.patch(
        f"/api/v1/submissions/{w.fresh_submission(api)}", headers=headers(c), json={"grade": 70, "feedback": "ok"}
    ),
}

LOGIN, NOT_ENROLLED, TEACHER_ONLY = "401 not_authenticated", "403 not_enrolled", "403 not_course_teacher"
VERIFY, NOT_SUBMITTER, GONE = "403 email_not_verified", "403 not_submitter", "404 submission_not_found"
CALLERS = ("teacher", "other-teacher", "student", "other-student", "anonymous", "unverified", "admin")
MATRIX = {
    # action:           teacher        other-teacher  student        other-student  anonymous  unverified     admin
    "create quiz":      ("201",        TEACHER_ONLY,  TEACHER_ONLY,  TEACHER_ONLY,  LOGIN,     TEACHER_ONLY,  "201"),
    "list quizzes":     ("200",        "200",         "200",         "200",         "200",     "200",         "200"),
    "view quiz":        ("200",        NOT_ENROLLED,  "200",         NOT_ENROLLED,  LOGIN,     "200",         "200"),
    "attempt":          (NOT_ENROLLED, NOT_ENROLLED,  "201",         NOT_ENROLLED,  LOGIN,     VERIFY,        NOT_ENROLLED),
    "list attempts":    ("200",        NOT_ENROLLED,  "200",         NOT_ENROLLED,  LOGIN,     "200",         "200"),
    "submit":           (NOT_ENROLLED, NOT_ENROLLED,  "202",         NOT_ENROLLED,  LOGIN,     VERIFY,        NOT_ENROLLED),
    "list submissions": ("200",        NOT_ENROLLED,  "200",         NOT_ENROLLED,  LOGIN,     "200",         "200"),
    "replace file":     (NOT_SUBMITTER, GONE,         "202",         GONE,          LOGIN,     GONE,          NOT_SUBMITTER),
    "withdraw":         (NOT_SUBMITTER, GONE,         "204",         GONE,          LOGIN,     GONE,          "204"),
    "grade":            ("200",        GONE,          TEACHER_ONLY,  GONE,          LOGIN,     GONE,          "200"),
}  # fmt: skip
CELLS = [
    (action, caller, expected) for action, row in MATRIX.items() for caller, expected in zip(CALLERS, row, strict=True)
]


def _outcome(r: httpx.Response) -> str:
    if r.status_code < 400:
        return str(r.status_code)
    return f"{r.status_code} {r.json().get('error_code')}"


@pytest.mark.parametrize(("action", "caller", "expected"), CELLS, ids=[f"{a}-{c}" for a, c, _ in CELLS])
def test_authorization_matrix(api: Api, world: World, action: str, caller: str, expected: str) -> None:
    assert _outcome(ACTIONS[action](api, world, world.callers[caller])) == expected


def test_the_matrix_covers_every_quiz_and_submission_route(api: Api) -> None:
    paths = api.http.get("/schema/openapi.json").json()["paths"]
    ours = {
        (method.upper(), path)
        for path, operations in paths.items()
        if "quizzes" in path or "submissions" in path
        for method in operations
    }
    assert len(ours) == len(ACTIONS), sorted(ours)
