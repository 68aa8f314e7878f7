"""The course policy as a table: every kind of caller against every action, with the error each refusal gives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from api.authz.courses import CourseAction, CourseFacts, authorize_course, authorize_unenroll, can_create_course
from core.errors import CadenzaError


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    role: str
    email_verified: bool = True


TEACHER = Caller(uuid.uuid4(), "teacher")
OTHER_TEACHER = Caller(uuid.uuid4(), "teacher")
STUDENT = Caller(uuid.uuid4(), "student")
UNVERIFIED = Caller(uuid.uuid4(), "student", email_verified=False)
ADMIN = Caller(uuid.uuid4(), "admin")


def outcome(check) -> str:
    try:
        check()
    except CadenzaError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "ok"


OK, GONE, LOGIN = "ok", "404 course_not_found", "401 not_authenticated"
NOT_TEACHER, NOT_ENROLLED, UNVERIFIED_EMAIL = "403 not_course_teacher", "403 not_enrolled", "403 email_not_verified"
A = CourseAction
PUBLISHED = CourseFacts(teacher_id=TEACHER.id, is_published=True)
ENROLLED = CourseFacts(teacher_id=TEACHER.id, is_published=True, enrolled=True)
DRAFT = CourseFacts(teacher_id=TEACHER.id, is_published=False)

RULES = [
    # name, caller, course, {action: outcome}
    ("teacher", TEACHER, PUBLISHED, {A.VIEW: OK, A.EDIT: OK, A.STUDY: OK, A.LEARN: NOT_ENROLLED,
        A.PROGRESS: NOT_ENROLLED, A.ENROLL_SELF: "422 own_course", A.MANAGE_ENROLLMENTS: OK, A.LIST_ENROLLMENTS: OK}),
    ("teacher-draft", TEACHER, DRAFT, {A.VIEW: OK, A.EDIT: OK, A.STUDY: OK, A.MANAGE_ENROLLMENTS: OK}),
    ("admin", ADMIN, DRAFT, {A.VIEW: OK, A.EDIT: OK, A.STUDY: OK, A.LEARN: NOT_ENROLLED, A.ENROLL_SELF: OK,
        A.MANAGE_ENROLLMENTS: OK, A.LIST_ENROLLMENTS: OK}),
    ("other-teacher", OTHER_TEACHER, PUBLISHED, {A.VIEW: OK, A.EDIT: NOT_TEACHER, A.STUDY: NOT_ENROLLED,
        A.LEARN: NOT_ENROLLED, A.ENROLL_SELF: OK, A.MANAGE_ENROLLMENTS: NOT_TEACHER, A.LIST_ENROLLMENTS: NOT_TEACHER}),
    ("other-teacher-draft", OTHER_TEACHER, DRAFT, {a: GONE for a in A}),
    ("enrolled", STUDENT, ENROLLED, {A.VIEW: OK, A.EDIT: NOT_TEACHER, A.STUDY: OK, A.LEARN: OK, A.PROGRESS: OK,
        A.ENROLL_SELF: OK, A.MANAGE_ENROLLMENTS: NOT_TEACHER, A.LIST_ENROLLMENTS: NOT_TEACHER}),
    ("student", STUDENT, PUBLISHED, {A.VIEW: OK, A.STUDY: NOT_ENROLLED, A.LEARN: NOT_ENROLLED,
        A.PROGRESS: NOT_ENROLLED, A.ENROLL_SELF: OK}),
    ("unverified-enrolled", UNVERIFIED, ENROLLED, {A.VIEW: OK, A.STUDY: OK, A.PROGRESS: OK,
        A.LEARN: UNVERIFIED_EMAIL, A.ENROLL_SELF: UNVERIFIED_EMAIL, A.EDIT: NOT_TEACHER}),
    ("anonymous", None, PUBLISHED, {A.VIEW: OK, **{a: LOGIN for a in A if a != A.VIEW}}),
    ("anonymous-draft", None, DRAFT, {a: GONE for a in A}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "caller", "facts", "expected"), RULES, ids=[r[0] for r in RULES])
def test_course_rules(name: str, caller: Caller | None, facts: CourseFacts, expected: dict[CourseAction, str]) -> None:
    got = {action: outcome(lambda a=action: authorize_course(caller, facts, a)) for action in expected}
    assert got == expected


@pytest.mark.parametrize(
    ("caller", "expected"),
    [(TEACHER, OK), (ADMIN, OK), (STUDENT, "403 not_a_teacher"), (None, LOGIN),
     (Caller(uuid.uuid4(), "teacher", email_verified=False), UNVERIFIED_EMAIL)],
)  # fmt: skip
def test_teachers_and_admins_create_courses(caller: Caller | None, expected: str) -> None:
    assert outcome(lambda: can_create_course(caller)) == expected


def test_students_leave_by_themselves_and_teachers_remove_anyone() -> None:
    assert outcome(lambda: authorize_unenroll(STUDENT, ENROLLED, STUDENT.id)) == OK
    assert outcome(lambda: authorize_unenroll(STUDENT, ENROLLED, OTHER_TEACHER.id)) == NOT_TEACHER
    assert outcome(lambda: authorize_unenroll(TEACHER, PUBLISHED, STUDENT.id)) == OK
    # A student still enrolled in a course that went back to draft may leave it.
    assert outcome(lambda: authorize_unenroll(STUDENT, CourseFacts(TEACHER.id, False, True), STUDENT.id)) == OK
