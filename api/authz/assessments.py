"""The assessment policy: teachers assess the recordings of their students; who reads progress.

==========================  ======  ====================================
caller                      assess  read (a recording's list, progress)
==========================  ======  ====================================
active teacher of owner     yes     yes
the student (owner)         no      yes
admin                       no      yes
anyone else                 no      no
==========================  ======  ====================================

Only an ACTIVE relationship counts (pending, declined or removed ones grant nothing). Refusals
are 403 ``not_your_student``; the recording itself must be visible to the caller first (404
otherwise, as for every recording action). Assessing needs a verified e-mail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from api.authz.principal import Principal, require_verified
from core.errors import Forbidden
from storage.models.users import Role


@dataclass(frozen=True, slots=True)
class StudentFacts:
    """The student whose work is assessed, and whether the caller is their active teacher."""

    student_id: uuid.UUID
    caller_teaches: bool


def _refuse() -> Forbidden:
    return Forbidden("only a teacher of this student may do this", error_code="not_your_student")


def authorize_assessing(caller: Principal, facts: StudentFacts) -> None:
    """A teacher in an active relationship with the student, and with a verified e-mail."""
    if caller.id == facts.student_id or not facts.caller_teaches or caller.role != Role.TEACHER:
        raise _refuse()
    require_verified(caller)


def authorize_progress(caller: Principal, facts: StudentFacts) -> None:
    """The student, their active teachers and admins read assessments and progress."""
    if caller.id == facts.student_id or facts.caller_teaches or caller.role == Role.ADMIN:
        return
    raise _refuse()
