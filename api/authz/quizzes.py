"""The quiz policy: who may do what to a course's quizzes.

==========================  =====  ======  ============  ======  ============
caller                      list   view    see answers   manage  attempt
==========================  =====  ======  ============  ======  ============
the course's teacher        yes    yes     yes           yes     no
admin                       yes    yes     yes           yes     no
enrolled student            yes    yes     no            no      yes (1)
anyone, published course    yes    no (2)  no            no (2)  no (2)
anyone, draft course        no     no      no            no      no
==========================  =====  ======  ============  ======  ============

(1) a premium quiz also needs an active premium plan (403 ``premium_required``); a verified
    e-mail, the attempt limit and the rate limit are checked by the service.
(2) 403 ``not_enrolled`` (401 for anonymous callers; 403 ``not_course_teacher`` for manage).
A draft course's quizzes do not exist for anyone but its teacher and admins (404). ``list``
shows summaries (no questions), so it follows the course's visibility.
"""

from __future__ import annotations

import enum

from api.authz.courses import CourseFacts, is_course_staff
from api.authz.principal import Principal
from core.errors import Forbidden, NotFound, Unauthorized


class QuizAction(enum.StrEnum):
    LIST = "list"
    VIEW = "view"
    SEE_ANSWERS = "see_answers"  # the questions' answers, and every student's attempts
    MANAGE = "manage"  # create
    ATTEMPT = "attempt"


STAFF = frozenset({QuizAction.LIST, QuizAction.VIEW, QuizAction.SEE_ANSWERS, QuizAction.MANAGE})
ENROLLED = frozenset({QuizAction.LIST, QuizAction.VIEW, QuizAction.ATTEMPT})
VISITOR = frozenset({QuizAction.LIST})
NOTHING: frozenset[QuizAction] = frozenset()


def quiz_permissions(caller: Principal | None, facts: CourseFacts) -> frozenset[QuizAction]:
    if is_course_staff(caller, facts):
        return STAFF
    if caller is not None and facts.enrolled:
        return ENROLLED
    return VISITOR if facts.is_published else NOTHING


def authorize_quiz(caller: Principal | None, facts: CourseFacts, action: QuizAction) -> frozenset[QuizAction]:
    """The caller's permissions if they include ``action``; 404, 401 or 403 otherwise."""
    allowed = quiz_permissions(caller, facts)
    if action in allowed:
        return allowed
    if not allowed:
        raise NotFound("no such course", error_code="course_not_found")
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    if action in (QuizAction.MANAGE, QuizAction.SEE_ANSWERS):
        raise Forbidden("only the course's teacher may do this", error_code="not_course_teacher")
    if action == QuizAction.ATTEMPT and QuizAction.MANAGE in allowed:
        raise Forbidden("quizzes are attempted by the course's students", error_code="not_enrolled")
    raise Forbidden("enrol in the course first", error_code="not_enrolled")


def require_premium(caller: Principal, facts: CourseFacts, quiz_is_premium: bool, has_premium: bool) -> None:
    """A premium quiz is open to premium students (403 ``premium_required``) and to the course's staff."""
    if quiz_is_premium and not has_premium and not is_course_staff(caller, facts):
        raise Forbidden("this quiz needs a premium plan", error_code="premium_required")
