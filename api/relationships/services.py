"""Relationship requests and answers; the other party is notified of a request, the requester of
an acceptance, each exactly once. Ending an active relationship revokes the shares between the two."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import (
    RelationshipFacts,
    RelationshipParty,
    authorize_response,
    other_party,
    relationship_pair,
    require_party,
    require_verified,
)
from api.context import AppContext
from api.notifications.sender import Notifications
from api.relationships.schemas import RelationshipOut, RelationshipPage, relationship_out
from core.errors import Conflict, NotFound
from core.ids import utcnow
from storage.models.users import Relationship, RelationshipStatus, User
from storage.repositories.relationships import RelationshipRepository
from storage.repositories.shares import ShareRepository
from storage.repositories.users import UserRepository


class RelationshipService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def request(self, caller: User, user_id: uuid.UUID) -> tuple[RelationshipOut, bool]:
        """Ask ``user_id`` to link; returns the relationship and whether a new request was made.

        Asking again while one's own request is pending changes nothing; after a decline or a
        removal the pair's row becomes a new pending request.
        """
        require_verified(caller)
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            other = caller if user_id == caller.id else await UserRepository(session).get(user_id)
            if other is None or not other.is_active:
                raise NotFound("no such user", error_code="user_not_found")
            teacher_id, student_id = relationship_pair(caller, other)
            repo = RelationshipRepository(session)
            now = utcnow()
            row = await repo.for_pair(teacher_id, student_id)
            if row is None:
                row = await repo.add_pending(
                    teacher_id=teacher_id, student_id=student_id, requested_by=caller.id, now=now
                )
                requested = row is not None
                # A concurrent request for the same pair committed first: treat this one as a repeat.
                row = row or await repo.for_pair(teacher_id, student_id)
            else:
                requested = _request_again(row, caller, now)
            assert row is not None  # noqa: S101 - the pair's row exists once add_pending returned
            if requested:
                asked_to_be = RelationshipParty.TEACHER if caller.id == teacher_id else RelationshipParty.STUDENT
                await notifications.add(
                    session,
                    user_id=other.id,
                    kind="relationship.requested",
                    title=f"{_name(caller)} asked to be your {asked_to_be}",
                    data={"relationship_id": str(row.id), "requested_by": str(caller.id)},
                    dedupe_key=f"relationship.requested:{row.id}:{now.timestamp():.6f}",
                )
            out = await _out(session, row.id)
        await notifications.publish(self.ctx.redis)
        return out, requested

    async def accept(self, caller: User, relationship_id: uuid.UUID) -> RelationshipOut:
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            row = await _locked(session, relationship_id)
            authorize_response(caller, _facts(row))
            now = utcnow()
            row.status, row.responded_at, row.updated_at = RelationshipStatus.ACTIVE, now, now
            await notifications.add(
                session,
                user_id=row.requested_by,
                kind="relationship.accepted",
                title=f"{_name(caller)} accepted your request",
                data={"relationship_id": str(row.id), "accepted_by": str(caller.id)},
                dedupe_key=f"relationship.accepted:{row.id}:{now.timestamp():.6f}",
            )
            out = await _out(session, row.id)
        await notifications.publish(self.ctx.redis)
        return out

    async def decline(self, caller: User, relationship_id: uuid.UUID) -> RelationshipOut:
        async with self.ctx.sessions.begin() as session:
            row = await _locked(session, relationship_id)
            authorize_response(caller, _facts(row))
            now = utcnow()
            row.status, row.responded_at, row.updated_at = RelationshipStatus.DECLINED, now, now
            return await _out(session, row.id)

    async def remove(self, caller: User, relationship_id: uuid.UUID) -> None:
        """End the relationship (either party, any state); an active one takes its shares with it."""
        async with self.ctx.sessions.begin() as session:
            row = await _locked(session, relationship_id)
            facts = _facts(row)
            require_party(caller, facts)
            if row.status == RelationshipStatus.ACTIVE:
                await ShareRepository(session).remove_between(caller.id, other_party(caller, facts))
            if row.status != RelationshipStatus.REMOVED:
                row.status, row.updated_at = RelationshipStatus.REMOVED, utcnow()

    async def get(self, caller: User, relationship_id: uuid.UUID) -> RelationshipOut:
        async with self.ctx.sessions() as session:
            found = await RelationshipRepository(session).with_users(relationship_id)
            if found is None:
                raise NotFound("no such relationship", error_code="relationship_not_found")
            require_party(caller, _facts(found[0]))
        return relationship_out(*found)

    async def list(
        self, caller: User, *, role: RelationshipParty | None, status: str | None, limit: int, offset: int
    ) -> RelationshipPage:
        as_teacher = None if role is None else role == RelationshipParty.TEACHER
        async with self.ctx.sessions() as session:
            rows, total = await RelationshipRepository(session).list_for_user(
                caller.id, as_teacher=as_teacher, status=status, limit=limit, offset=offset
            )
        return RelationshipPage(items=[relationship_out(*r) for r in rows], total=total, limit=limit, offset=offset)


def _request_again(row: Relationship, caller: User, now: dt.datetime) -> bool:
    """Apply a request to the pair's existing row; False when it is the caller's pending request."""
    if row.status == RelationshipStatus.PENDING:
        if row.requested_by == caller.id:
            return False
        raise Conflict("they have already asked you: accept or decline", error_code="relationship_pending")
    if row.status == RelationshipStatus.ACTIVE:
        raise Conflict("you are already linked", error_code="relationship_exists")
    row.status, row.requested_by, row.responded_at, row.updated_at = RelationshipStatus.PENDING, caller.id, None, now
    return True


async def _locked(session: AsyncSession, relationship_id: uuid.UUID) -> Relationship:
    row = await RelationshipRepository(session).get(relationship_id, for_update=True)
    if row is None:
        raise NotFound("no such relationship", error_code="relationship_not_found")
    return row


async def _out(session: AsyncSession, relationship_id: uuid.UUID) -> RelationshipOut:
    found = await RelationshipRepository(session).with_users(relationship_id)
    assert found is not None  # noqa: S101 - read in the transaction that holds its lock
    return relationship_out(*found)


def _facts(row: Relationship) -> RelationshipFacts:
    return RelationshipFacts(row.teacher_id, row.student_id, row.requested_by, row.status)


def _name(user: User) -> str:
    return user.display_name or user.username
