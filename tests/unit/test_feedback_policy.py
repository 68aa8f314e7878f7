"""The comment and assessment rules as tables: every kind of caller against every action."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from api.authz.assessments import StudentFacts, authorize_assessing, authorize_progress
from api.authz.comments import CommentAction, CommentFacts, authorize_comment
from core.errors import CadenzaError


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    role: str
    email_verified: bool = True


OWNER = Caller(uuid.uuid4(), "student")
AUTHOR = Caller(uuid.uuid4(), "teacher")
OTHER = Caller(uuid.uuid4(), "student")
ADMIN = Caller(uuid.uuid4(), "admin")
UNVERIFIED_AUTHOR = Caller(AUTHOR.id, "teacher", email_verified=False)


def outcome(check) -> str:  # noqa: ANN001
    try:
        check()
    except CadenzaError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "ok"


OK, NOT_AUTHOR, UNVERIFIED = "ok", "403 not_author", "403 email_not_verified"
E, R, D = CommentAction.EDIT, CommentAction.RESOLVE, CommentAction.DELETE
FACTS = CommentFacts(author_id=AUTHOR.id, recording_owner_id=OWNER.id)

COMMENT_RULES = [
    ("author", AUTHOR, {E: OK, R: OK, D: OK}),
    ("recording owner", OWNER, {E: NOT_AUTHOR, R: OK, D: OK}),
    ("admin", ADMIN, {E: NOT_AUTHOR, R: NOT_AUTHOR, D: OK}),
    ("other viewer", OTHER, {E: NOT_AUTHOR, R: NOT_AUTHOR, D: NOT_AUTHOR}),
    # The rule first, then the e-mail: an unverified author is told to verify.
    ("unverified author", UNVERIFIED_AUTHOR, {E: UNVERIFIED, R: UNVERIFIED, D: UNVERIFIED}),
]


@pytest.mark.parametrize(("caller", "expected"), [r[1:] for r in COMMENT_RULES], ids=[r[0] for r in COMMENT_RULES])
def test_comment_rules(caller: Caller, expected: dict[CommentAction, str]) -> None:
    assert set(expected) == set(CommentAction)
    assert {a: outcome(lambda a=a: authorize_comment(caller, FACTS, a)) for a in CommentAction} == expected


TEACHER = Caller(uuid.uuid4(), "teacher")
NOT_YOURS = "403 not_your_student"
STUDENT_ID = OWNER.id

ASSESSMENT_RULES = [
    # caller, facts (does the caller teach the student, actively), assess, read progress
    ("active teacher", TEACHER, True, OK, OK),
    ("teacher, not active", TEACHER, False, NOT_YOURS, NOT_YOURS),
    ("the student", OWNER, False, NOT_YOURS, OK),
    ("admin", ADMIN, False, NOT_YOURS, OK),
    ("another student", OTHER, False, NOT_YOURS, NOT_YOURS),
    ("unverified active teacher", Caller(TEACHER.id, "teacher", email_verified=False), True, UNVERIFIED, OK),
]


@pytest.mark.parametrize(
    ("caller", "teaches", "assess", "progress"), [r[1:] for r in ASSESSMENT_RULES], ids=[r[0] for r in ASSESSMENT_RULES]
)
def test_assessment_rules(caller: Caller, teaches: bool, assess: str, progress: str) -> None:
    facts = StudentFacts(student_id=STUDENT_ID, caller_teaches=teaches)
    assert outcome(lambda: authorize_assessing(caller, facts)) == assess
    assert outcome(lambda: authorize_progress(caller, facts)) == progress
