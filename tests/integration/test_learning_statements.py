"""Every learning read is ONE statement, account check included, whatever the course's size.

A course with 200 chapters and 2,000 enrolments against one with 3 and 2: the course (signed in
and anonymous), a page of courses, the chapters page
(signed in and anonymous), a chapter, its blocks and one block, its next and previous, the enrolments page, a student's and a teacher's courses, a course's
progress, all of a student's progress, the course's quizzes, a quiz (the teacher's, with
answers, and the student's, without), its attempts and the month's usage each send exactly one
statement.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from core.ids import new_id
from core.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.models.learning import ContentBlock
from storage.models.quizzes import Quiz
from tests.integration import reads_support as seed
from tests.integration.learning_support import seed_course
from tests.statement_count import counted_statements

pytestmark = pytest.mark.asyncio

#: Issue 10: one round trip to PostgreSQL per read, the caller's account check included.
STATEMENTS = 1


@pytest.fixture(scope="module")
async def learning_sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.database, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


def reads(
    course_id: object,
    quiz_id: object = None,
    chapter_id: object = None,
    block_id: object = None,
    student_id: object = None,
) -> dict[str, tuple[str, str]]:
    """name → (who asks, path)."""
    return {
        "course": ("student", f"/api/v1/courses/{course_id}"),
        "course (anonymous)": ("anonymous", f"/api/v1/courses/{course_id}"),
        "courses page (search)": ("student", "/api/v1/courses?q=seed&limit=100"),
        "chapters page": ("student", f"/api/v1/courses/{course_id}/chapters?limit=100"),
        "chapters page (anonymous)": ("anonymous", f"/api/v1/courses/{course_id}/chapters?limit=100"),
        "enrolments page": ("teacher", f"/api/v1/courses/{course_id}/enrollments?limit=100"),
        "my courses (student)": ("student", "/api/v1/users/me/courses?limit=100"),
        "my courses (teacher)": ("teacher", "/api/v1/users/me/courses?limit=100"),
        "course progress": ("student", f"/api/v1/courses/{course_id}/progress"),
        "my progress": ("student", "/api/v1/users/me/progress?limit=100"),
        "chapter (opened: last access counted)": ("student", f"/api/v1/chapters/{chapter_id}"),
        "blocks page": ("student", f"/api/v1/chapters/{chapter_id}/blocks?limit=100"),
        "block": ("student", f"/api/v1/blocks/{block_id}"),
        "next chapter": ("student", f"/api/v1/chapters/{chapter_id}/next"),
        "previous chapter": ("student", f"/api/v1/chapters/{chapter_id}/previous"),
        "quizzes page": ("student", f"/api/v1/courses/{course_id}/quizzes?limit=100"),
        "quiz (student, no answers)": ("student", f"/api/v1/quizzes/{quiz_id}"),
        "quiz (teacher, answers)": ("teacher", f"/api/v1/quizzes/{quiz_id}"),
        "attempts page (student)": ("student", f"/api/v1/quizzes/{quiz_id}/attempts?limit=100"),
        "attempts page (teacher)": ("teacher", f"/api/v1/quizzes/{quiz_id}/attempts?limit=100"),
        "my usage": ("student", "/api/v1/users/me/usage"),
        "a user's usage (admin)": ("admin", f"/api/v1/admin/users/{student_id}/usage"),
    }


async def _quiz(sessions: async_sessionmaker[AsyncSession], course_id: uuid.UUID, questions: int) -> uuid.UUID:
    question = {"text": "Which?", "kind": "single", "options": ["a", "b"], "answer": "a", "points": 1}
    quiz = Quiz(id=new_id(), course_id=course_id, title="Quiz", max_score=questions,
                questions=[{"id": f"q{i}", **question} for i in range(questions)])  # fmt: skip
    async with sessions.begin() as session:
        session.add(quiz)
    return quiz.id


async def _blocks(sessions: async_sessionmaker[AsyncSession], chapter_id: uuid.UUID, count: int) -> uuid.UUID:
    """``count`` text blocks in the chapter; the first one's id."""
    ids = [new_id() for _ in range(count)]
    async with sessions.begin() as session:
        session.add_all(
            ContentBlock(id=b, chapter_id=chapter_id, position=i + 1, kind="text", title=f"Block {i + 1}", body="b")
            for i, b in enumerate(ids)
        )
    return ids[0]


async def _count(client: AsyncTestClient, who: seed.Account | None, path: str) -> tuple[int, dict]:
    headers = who.headers if who else {}
    await client.get(path, headers=headers)  # connections made, statements prepared
    with counted_statements() as statements:
        r = await client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    return len(statements), r.json()


async def test_big_and_small_courses_cost_the_same_statements(
    client: AsyncTestClient, learning_sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    counts = {}
    for size, (chapters, students) in {"small": (3, 2), "big": (200, 2000)}.items():
        teacher = await seed.account(learning_sessions, settings, "teacher")
        student = await seed.account(learning_sessions, settings)
        course = await seed_course(
            learning_sessions, teacher.id, chapters=chapters, students=students, learner_id=student.id, completed=2
        )
        for _ in range(4 if size == "big" else 0):  # the student takes other courses too
            await seed_course(
                learning_sessions, teacher.id, chapters=50, students=0, learner_id=student.id, completed=5
            )
        quiz_id = await _quiz(learning_sessions, course.id, questions=50 if size == "big" else 2)
        block_id = await _blocks(learning_sessions, course.chapter_ids[1], 50 if size == "big" else 2)
        admin = await seed.account(learning_sessions, settings, "admin")
        who = {"student": student, "teacher": teacher, "admin": admin, "anonymous": None}
        for name, (role, path) in reads(course.id, quiz_id, course.chapter_ids[1], block_id, student.id).items():
            counts[(size, name)], body = await _count(client, who[role], path)
            if size == "big" and name == "enrolments page":
                assert body["total"] == 2001 and len(body["items"]) == 100
            if size == "big" and name == "course progress":
                assert (body["completed_chapters"], body["total_chapters"], body["percent"]) == (2, 200, 1.0)
            if name.startswith("quiz ("):
                assert all(("answer" in q) == (role == "teacher") for q in body["questions"]), body
    print({name: n for (size, name), n in counts.items() if size == "big"})  # shown with -s
    for name in reads(None):
        assert counts[("big", name)] == counts[("small", name)] == STATEMENTS, (name, counts)
