"""Courses, chapters, blocks, enrolments and plans for the quiz and submission tests.

They are written straight into the database, as an operator would, so these tests depend only on
the learning tables (not on the course routes, which have tests of their own).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import verified


# Fixtures for the test modules that import them (``teacher``, ``student``: verified accounts).
@pytest.fixture(name="teacher")
def teacher_fixture(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


@pytest.fixture(name="student")
def student_fixture(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def expect_error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json().get("error_code")) == (status, code), r.text


@dataclass(frozen=True)
class Course:
    id: str
    teacher: Account
    chapter_id: str


def course(database_url: str, teacher: Account, *, published: bool = True) -> Course:
    course_id, chapter_id = uuid.uuid4(), uuid.uuid4()
    sql(
        database_url,
        "INSERT INTO courses (id, teacher_id, title, is_published) VALUES ($1, $2, 'Scales', $3)",
        course_id, uuid.UUID(teacher.id), published,
    )  # fmt: skip
    sql(
        database_url,
        "INSERT INTO chapters (id, course_id, position, title) VALUES ($1, $2, 1, 'One')",
        chapter_id,
        course_id,
    )
    return Course(str(course_id), teacher, str(chapter_id))


def block(database_url: str, course: Course, kind: str = "assignment") -> str:
    block_id = uuid.uuid4()
    sql(
        database_url,
        "INSERT INTO content_blocks (id, chapter_id, position, kind, title) "
        "VALUES ($1, $2, (SELECT count(*) + 1 FROM content_blocks WHERE chapter_id = $2), $3, 'Play it')",
        block_id, uuid.UUID(course.chapter_id), kind,
    )  # fmt: skip
    return str(block_id)


def enroll(database_url: str, course: Course, student: Account) -> None:
    sql(
        database_url,
        "INSERT INTO enrollments (course_id, user_id, added_by) VALUES ($1, $2, $2)",
        uuid.UUID(course.id), uuid.UUID(student.id),
    )  # fmt: skip


def premium(database_url: str, user: Account) -> None:
    sql(database_url, "INSERT INTO subscriptions (id, user_id, plan, status) VALUES ($1, $2, 'premium', 'active')",
        uuid.uuid4(), uuid.UUID(user.id))  # fmt: skip


QUESTIONS = [
    {"id": "key", "text": "Key of the piece?", "kind": "single", "options": ["C", "G", "F"], "answer": "G", "points": 2},
    {"id": "notes", "text": "Notes of a C major triad?", "kind": "multiple", "options": ["C", "D", "E", "G"],
     "answer": ["C", "E", "G"], "points": 3},
    {"id": "sharp", "text": "G major has one sharp.", "kind": "true_false", "answer": True},
    {"id": "tempo", "text": "Italian for fast?", "kind": "short_text", "answer": "Allegro", "points": 4},
]  # fmt: skip
RIGHT = {"key": "G", "notes": ["G", "C", "E"], "sharp": True, "tempo": " allegro "}


def create_quiz(api: Api, course: Course, **fields: object) -> httpx.Response:
    body = {"title": "Basics", "questions": QUESTIONS, **fields}
    return api.http.post(f"/api/v1/courses/{course.id}/quizzes", headers=course.teacher.headers, json=body)


def quiz(api: Api, course: Course, **fields: object) -> str:
    r = create_quiz(api, course, **fields)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def attempt(api: Api, caller: Account | None, quiz_id: str, answers: dict) -> httpx.Response:
    headers = caller.headers if caller else {}
    return api.http.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers, json={"answers": answers})


def submit(
    api: Api, caller: Account | None, block_id: str, content: bytes | Path = b"not media" * 100, note: str | None = None
) -> httpx.Response:
    """Hand in work (``content``: a file's bytes, or a path to stream)."""
    return _send(api, "POST", f"/api/v1/blocks/{block_id}/submissions", caller, content, note)


def replace(
    api: Api, caller: Account | None, submission_id: str, content: bytes | Path = b"other" * 100
) -> httpx.Response:
    return _send(api, "PUT", f"/api/v1/submissions/{submission_id}/file", caller, content, None)


def _send(
    api: Api, method: str, url: str, caller: Account | None, content: bytes | Path, note: str | None
) -> httpx.Response:
    headers = caller.headers if caller else {}
    data = {"note": note} if note is not None else {}
    body = content.read_bytes() if isinstance(content, Path) else content
    name = content.name if isinstance(content, Path) else "take.mp4"
    return api.http.request(method, url, headers=headers, data=data, files={"file": (name, body, "video/mp4")})
