"""The relationship policy: who may link with whom, and who may answer or end a link.

- A relationship joins exactly one teacher and one student; either may ask (422
  ``invalid_relationship`` otherwise: two students, two teachers, an admin, oneself).
- Only its two parties see a relationship; to anyone else it does not exist (404).
- Only the party who did *not* ask may accept or decline, and only while it is pending
  (409 ``relationship_not_pending``; 403 ``not_recipient`` for the one who asked).
- Either party may end it (``DELETE``), whatever its state.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from api.authz.principal import Principal
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from storage.models.users import RelationshipStatus, Role


class RelationshipParty(enum.StrEnum):
    """The caller's side of a relationship (the ``role`` filter of the list)."""

    TEACHER = "teacher"
    STUDENT = "student"


@dataclass(frozen=True, slots=True)
class RelationshipFacts:
    teacher_id: uuid.UUID
    student_id: uuid.UUID
    requested_by: uuid.UUID
    status: str


def relationship_pair(caller: Principal, other: Principal) -> tuple[uuid.UUID, uuid.UUID]:
    """``(teacher_id, student_id)`` for a link between the two, or 422 ``invalid_relationship``."""
    roles = {caller.role, other.role}
    if caller.id == other.id or roles != {Role.TEACHER, Role.STUDENT}:
        raise ValidationFailed("a relationship joins one teacher and one student", error_code="invalid_relationship")
    return (caller.id, other.id) if caller.role == Role.TEACHER else (other.id, caller.id)


def require_party(caller: Principal, facts: RelationshipFacts) -> RelationshipParty:
    """The caller's side of the relationship; 404 for anyone who is not one of its parties."""
    if caller.id == facts.teacher_id:
        return RelationshipParty.TEACHER
    if caller.id == facts.student_id:
        return RelationshipParty.STUDENT
    raise NotFound("no such relationship", error_code="relationship_not_found")


def authorize_response(caller: Principal, facts: RelationshipFacts) -> None:
    """Accept or decline: the other party, while pending."""
    require_party(caller, facts)
    if facts.status != RelationshipStatus.PENDING:
        raise Conflict(f"the relationship is {facts.status}, not pending", error_code="relationship_not_pending")
    if caller.id == facts.requested_by:
        raise Forbidden("only the other party can answer this request", error_code="not_recipient")


def other_party(caller: Principal, facts: RelationshipFacts) -> uuid.UUID:
    return facts.student_id if caller.id == facts.teacher_id else facts.teacher_id
