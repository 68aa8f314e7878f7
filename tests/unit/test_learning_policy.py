"""The quiz and submission policies as tables, and the recording policy's ``teaches_submission``."""

from __future__ import annotations

import uuid

import pytest

from api.authz import RecordingAction, RecordingFacts, authorize_recording
from api.authz.courses import CourseFacts
from api.authz.quizzes import QuizAction, authorize_quiz, require_premium
from api.authz.submissions import (
    ListScope,
    SubmissionAction,
    SubmissionFacts,
    authorize_block_listing,
    authorize_submission,
    authorize_submit,
)
from api.relationships.schemas import PersonOut
from api.submissions.schemas import SubmissionOut
from storage.repositories.submission_reads import PERSON_FIELDS, SUBMISSION_FIELDS
from tests.unit.test_policy import ADMIN, OWNER, STUDENT, TEACHER, TEACHER_2, Caller, outcome

ENROLLED = Caller(uuid.uuid4(), "student")
PUBLISHED = CourseFacts(teacher_id=TEACHER.id, is_published=True)
DRAFT = CourseFacts(teacher_id=TEACHER.id, is_published=False)
OK, GONE, LOGIN = "ok", "404 course_not_found", "401 not_authenticated"
ENROL, TEACHER_ONLY = "403 not_enrolled", "403 not_course_teacher"
L, V, A, M, T = (QuizAction.LIST, QuizAction.VIEW, QuizAction.SEE_ANSWERS, QuizAction.MANAGE,
                 QuizAction.ATTEMPT)  # fmt: skip


def facts_for(caller: Caller | None, course: CourseFacts) -> CourseFacts:
    enrolled = caller is ENROLLED
    return CourseFacts(course.teacher_id, course.is_published, enrolled)


QUIZ_RULES = [
    ("teacher", TEACHER, PUBLISHED, {L: OK, V: OK, A: OK, M: OK, T: ENROL}),
    ("teacher-draft", TEACHER, DRAFT, {L: OK, V: OK, A: OK, M: OK, T: ENROL}),
    ("admin", ADMIN, DRAFT, {L: OK, V: OK, A: OK, M: OK, T: ENROL}),
    ("enrolled", ENROLLED, PUBLISHED, {L: OK, V: OK, A: TEACHER_ONLY, M: TEACHER_ONLY, T: OK}),
    ("enrolled-draft", ENROLLED, DRAFT, {L: OK, V: OK, A: TEACHER_ONLY, M: TEACHER_ONLY, T: OK}),
    ("other-teacher", TEACHER_2, PUBLISHED, {L: OK, V: ENROL, A: TEACHER_ONLY, M: TEACHER_ONLY, T: ENROL}),
    ("other-student", STUDENT, PUBLISHED, {L: OK, V: ENROL, A: TEACHER_ONLY, M: TEACHER_ONLY, T: ENROL}),
    ("other-student-draft", STUDENT, DRAFT, {L: GONE, V: GONE, A: GONE, M: GONE, T: GONE}),
    ("anonymous", None, PUBLISHED, {L: OK, V: LOGIN, A: LOGIN, M: LOGIN, T: LOGIN}),
    ("anonymous-draft", None, DRAFT, {L: GONE, V: GONE, A: GONE, M: GONE, T: GONE}),
]


@pytest.mark.parametrize(("caller", "course", "expected"), [r[1:] for r in QUIZ_RULES], ids=[r[0] for r in QUIZ_RULES])
def test_quiz_rules(caller: Caller | None, course: CourseFacts, expected: dict[QuizAction, str]) -> None:
    facts = facts_for(caller, course)
    assert {a: outcome(lambda a=a: authorize_quiz(caller, facts, a)) for a in expected} == expected


@pytest.mark.parametrize(
    ("caller", "is_premium", "has_premium", "expected"),
    [
        (ENROLLED, True, False, "403 premium_required"),
        (ENROLLED, True, True, OK),
        (ENROLLED, False, False, OK),
        (TEACHER, True, False, OK),
        (ADMIN, True, False, OK),
    ],
)
def test_premium_quizzes_need_a_premium_plan(
    caller: Caller, is_premium: bool, has_premium: bool, expected: str
) -> None:
    assert outcome(lambda: require_premium(caller, facts_for(caller, PUBLISHED), is_premium, has_premium)) == expected


SUBMIT_RULES = [
    ("enrolled", ENROLLED, PUBLISHED, OK, ListScope.OWN),
    ("teacher", TEACHER, PUBLISHED, ENROL, ListScope.EVERYONE),
    ("admin", ADMIN, PUBLISHED, ENROL, ListScope.EVERYONE),
    ("other-student", STUDENT, PUBLISHED, ENROL, ENROL),
    ("other-teacher", TEACHER_2, PUBLISHED, ENROL, ENROL),
    ("other-student-draft", STUDENT, DRAFT, GONE, GONE),
    ("anonymous", None, PUBLISHED, LOGIN, LOGIN),
    ("anonymous-draft", None, DRAFT, GONE, GONE),
]


@pytest.mark.parametrize(
    ("caller", "course", "submit", "listing"), [r[1:] for r in SUBMIT_RULES], ids=[r[0] for r in SUBMIT_RULES]
)
def test_submit_and_list_rules(caller: Caller | None, course: CourseFacts, submit: str, listing: object) -> None:
    facts = facts_for(caller, course)
    assert outcome(lambda: authorize_submit(caller, facts)) == submit
    scope: list[ListScope] = []
    got = outcome(lambda: scope.append(authorize_block_listing(caller, facts)))
    assert (scope[0] if got == OK else got) == listing


SV, SR, SD, SG = SubmissionAction.VIEW, SubmissionAction.REPLACE, SubmissionAction.DELETE, SubmissionAction.GRADE
NOT_YOURS, MISSING = "403 not_submitter", "404 submission_not_found"
SUBMISSION = SubmissionFacts(student_id=ENROLLED.id, teacher_id=TEACHER.id)
SUBMISSION_RULES = [
    ("student", ENROLLED, {SV: OK, SR: OK, SD: OK, SG: TEACHER_ONLY}),
    ("teacher", TEACHER, {SV: OK, SR: NOT_YOURS, SD: NOT_YOURS, SG: OK}),
    ("admin", ADMIN, {SV: OK, SR: NOT_YOURS, SD: OK, SG: OK}),
    ("other-teacher", TEACHER_2, {SV: MISSING, SR: MISSING, SD: MISSING, SG: MISSING}),
    ("other-student", STUDENT, {SV: MISSING, SR: MISSING, SD: MISSING, SG: MISSING}),
]


@pytest.mark.parametrize(
    ("caller", "expected"), [r[1:] for r in SUBMISSION_RULES], ids=[r[0] for r in SUBMISSION_RULES]
)
def test_submission_rules(caller: Caller, expected: dict[SubmissionAction, str]) -> None:
    assert {a: outcome(lambda a=a: authorize_submission(caller, SUBMISSION, a)) for a in expected} == expected


def test_the_teacher_of_a_submission_views_the_students_recording_and_nothing_more() -> None:
    facts = RecordingFacts(owner_id=OWNER.id, is_public=False, teaches_submission=True)
    assert authorize_recording(TEACHER, facts, RecordingAction.VIEW) == frozenset({RecordingAction.VIEW})
    assert outcome(lambda: authorize_recording(TEACHER, facts, RecordingAction.DELETE)) == "403 not_owner"
    assert outcome(lambda: authorize_recording(None, facts, RecordingAction.VIEW)) == "401 not_authenticated"


def test_the_submission_json_has_exactly_the_fields_of_a_submission_body() -> None:
    assert SubmissionOut.__struct_fields__ == SUBMISSION_FIELDS
    assert PersonOut.__struct_fields__ == PERSON_FIELDS
