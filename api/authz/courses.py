"""The course policy (DESIGN §10): who sees, edits, studies and enrols in a course.

- Teachers and admins create courses.
- A published course (its outline: title, chapters' titles) is seen by everybody, anonymous
  callers included; a draft only by its teacher and admins: to anyone else it does not exist (404).
- The course's teacher and admins edit it, its chapters and blocks, and manage its enrolments
  (403 ``not_course_teacher`` for others who can see it).
- What a course teaches (a chapter's content, its blocks, next/previous) is for its enrolled
  students, its teacher and admins (401 anonymous, 403 ``not_enrolled`` for others).
- Completing chapters and reading one's progress needs an enrolment (403 ``not_enrolled``).
- Writing anything needs a verified e-mail (403 ``email_not_verified``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from api.authz.principal import Principal, require_verified
from core.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from storage.models.users import Role


class CourseAction(enum.StrEnum):
    VIEW = "view"  # the course and its outline
    EDIT = "edit"  # the course, its chapters and blocks; delete
    STUDY = "study"  # chapter content, blocks, next/previous
    LEARN = "learn"  # complete a chapter (a write)
    PROGRESS = "progress"  # read one's own progress in the course
    ENROLL_SELF = "enroll_self"
    MANAGE_ENROLLMENTS = "manage_enrollments"  # add or remove others (a write)
    LIST_ENROLLMENTS = "list_enrollments"


#: Actions that change something, so they need a verified e-mail.
WRITES = frozenset({CourseAction.EDIT, CourseAction.LEARN, CourseAction.ENROLL_SELF, CourseAction.MANAGE_ENROLLMENTS})


@dataclass(frozen=True, slots=True)
class CourseFacts:
    teacher_id: uuid.UUID
    is_published: bool
    #: Whether the caller is enrolled in the course.
    enrolled: bool = False


def can_create_course(caller: Principal | None) -> None:
    """Teachers and admins with a verified e-mail."""
    if caller is None:
        raise Unauthorized("sign in to create a course")
    if caller.role not in (Role.TEACHER, Role.ADMIN):
        raise Forbidden("only teachers create courses", error_code="not_a_teacher")
    require_verified(caller)


def is_course_staff(caller: Principal | None, facts: CourseFacts) -> bool:
    """The course's teacher or an admin."""
    return caller is not None and (caller.id == facts.teacher_id or caller.role == Role.ADMIN)


def can_see(caller: Principal | None, facts: CourseFacts) -> bool:
    return facts.is_published or is_course_staff(caller, facts)


def authorize_course(caller: Principal | None, facts: CourseFacts, action: CourseAction) -> None:
    """Raise the error the caller gets for ``action`` on the course, or return when it is allowed."""
    if not can_see(caller, facts):
        raise NotFound("no such course", error_code="course_not_found")
    if action == CourseAction.VIEW:
        return
    if caller is None:
        raise Unauthorized("sign in first")
    staff = is_course_staff(caller, facts)
    if action in (CourseAction.EDIT, CourseAction.MANAGE_ENROLLMENTS, CourseAction.LIST_ENROLLMENTS):
        if not staff:
            raise Forbidden("only the course's teacher can do this", error_code="not_course_teacher")
    elif action == CourseAction.STUDY:
        if not (staff or facts.enrolled):
            raise Forbidden("enrol in the course first", error_code="not_enrolled")
    elif action in (CourseAction.LEARN, CourseAction.PROGRESS):
        if not facts.enrolled:
            raise Forbidden("enrol in the course first", error_code="not_enrolled")
    elif action == CourseAction.ENROLL_SELF and caller.id == facts.teacher_id:
        raise ValidationFailed("you teach this course", error_code="own_course")
    if action in WRITES:
        require_verified(caller)


def authorize_unenroll(caller: Principal | None, facts: CourseFacts, student_id: uuid.UUID) -> None:
    """Students leave by themselves; the teacher and admins remove anyone."""
    if caller is not None and caller.id == student_id:
        if not can_see(caller, facts) and not facts.enrolled:
            raise NotFound("no such course", error_code="course_not_found")
        return
    authorize_course(caller, facts, CourseAction.MANAGE_ENROLLMENTS)
