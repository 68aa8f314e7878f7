"""Relationship bodies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.fields import line

from storage.models.users import Relationship, User


class RelationshipRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Ask a user to link (a student asks a teacher, or a teacher a student), named by ``user_id``
    or by ``username``: exactly one (422 ``validation_error``)."""

    user_id: uuid.UUID | None = None
    username: Annotated[str, line(min_length=1, max_length=40)] | None = None


class PersonOut(msgspec.Struct):
    id: uuid.UUID
    username: str
    display_name: str | None


class RelationshipOut(msgspec.Struct):
    id: uuid.UUID
    status: str
    teacher: PersonOut
    student: PersonOut
    requested_by: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    responded_at: dt.datetime | None


class RelationshipPage(msgspec.Struct):
    items: list[RelationshipOut]
    total: int
    limit: int
    offset: int


def person_out(user: User) -> PersonOut:
    return PersonOut(id=user.id, username=user.username, display_name=user.display_name)


def relationship_out(relationship: Relationship, teacher: User, student: User) -> RelationshipOut:
    return RelationshipOut(
        id=relationship.id,
        status=relationship.status,
        teacher=person_out(teacher),
        student=person_out(student),
        requested_by=relationship.requested_by,
        created_at=relationship.created_at,
        updated_at=relationship.updated_at,
        responded_at=relationship.responded_at,
    )
