"""The assignment-submission policy.

===================  ======  ===========  ======  =======  ======  =====
caller               submit  list         view    replace  delete  grade
===================  ======  ===========  ======  =======  ======  =====
its student          yes     own          yes     yes      yes     no
the course's teacher no      everyone's   yes     no       no      yes
admin                no      everyone's   yes     no       yes     yes
other enrolled       yes     own          no      no       no      no
anyone else          no      no           no      no       no      no
===================  ======  ===========  ======  =======  ======  =====

Submitting and listing follow the course (``CourseFacts``): outside a published course one is
told to enrol (403 ``not_enrolled``), a draft course does not exist for strangers (404). A
submission one may not view does not exist for them (404 ``submission_not_found``). The
student's recording is seen by the course's teacher through the recording policy's
``teaches_submission`` fact (``api.authz.recordings``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from api.authz.courses import CourseFacts, is_course_staff
from api.authz.principal import Principal
from core.errors import Forbidden, NotFound, Unauthorized
from storage.models.users import Role


class SubmissionAction(enum.StrEnum):
    VIEW = "view"
    REPLACE = "replace"  # a new file
    DELETE = "delete"
    GRADE = "grade"


class ListScope(enum.StrEnum):
    OWN = "own"
    EVERYONE = "everyone"


@dataclass(frozen=True, slots=True)
class SubmissionFacts:
    student_id: uuid.UUID
    teacher_id: uuid.UUID


STUDENT = frozenset({SubmissionAction.VIEW, SubmissionAction.REPLACE, SubmissionAction.DELETE})
TEACHER = frozenset({SubmissionAction.VIEW, SubmissionAction.GRADE})
ADMIN = frozenset({SubmissionAction.VIEW, SubmissionAction.DELETE, SubmissionAction.GRADE})
NOTHING: frozenset[SubmissionAction] = frozenset()


def _course_access(caller: Principal | None, course: CourseFacts) -> None:
    if caller is None and course.is_published:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    if caller is None or not course.is_published:
        raise NotFound("no such course", error_code="course_not_found")
    raise Forbidden("enrol in the course first", error_code="not_enrolled")


def authorize_submit(caller: Principal | None, course: CourseFacts) -> None:
    """Enrolled students hand in work; the teacher is told it is for students."""
    if caller is not None and course.enrolled:
        return
    if is_course_staff(caller, course):
        raise Forbidden("assignments are handed in by the course's students", error_code="not_enrolled")
    _course_access(caller, course)


def authorize_block_listing(caller: Principal | None, course: CourseFacts) -> ListScope:
    """Everyone's submissions for the course's staff, one's own for an enrolled student."""
    if is_course_staff(caller, course):
        return ListScope.EVERYONE
    if caller is not None and course.enrolled:
        return ListScope.OWN
    _course_access(caller, course)
    raise AssertionError("unreachable")  # pragma: no cover


def submission_permissions(caller: Principal, facts: SubmissionFacts) -> frozenset[SubmissionAction]:
    if caller.id == facts.student_id:
        return STUDENT
    if caller.id == facts.teacher_id:
        return TEACHER
    if caller.role == Role.ADMIN:
        return ADMIN
    return NOTHING


def authorize_submission(caller: Principal, facts: SubmissionFacts, action: SubmissionAction) -> None:
    """404 for those who may not view it; 403 with why for the others."""
    allowed = submission_permissions(caller, facts)
    if action in allowed:
        return
    if not allowed:
        raise NotFound("no such submission", error_code="submission_not_found")
    if action == SubmissionAction.GRADE:
        raise Forbidden("only the course's teacher grades submissions", error_code="not_course_teacher")
    raise Forbidden("only the student who handed it in may do this", error_code="not_submitter")
