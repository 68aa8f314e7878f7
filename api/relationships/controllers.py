"""/api/v1/relationships: teacher-student links, requested by either side."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Controller, Response, delete, get, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.authz import RelationshipParty
from api.context import AppContext
from api.fields import Limit, Offset
from api.relationships.schemas import RelationshipOut, RelationshipPage, RelationshipRequest
from api.relationships.services import RelationshipService
from api.users.people import resolve_user_ref
from storage.models.users import User

Status = Literal["pending", "active", "declined", "removed"]


class RelationshipsController(Controller):
    path = "/api/v1/relationships"
    tags = ["relationships"]

    @post("/", status_code=HTTP_201_CREATED)
    async def request_relationship(
        self, data: RelationshipRequest, ctx: AppContext, current_user: User
    ) -> Response[RelationshipOut]:
        """Ask a teacher (as a student) or a student (as a teacher) to link; needs a verified e-mail.

        201 for a new request (the other party is notified), 200 when your request is already pending.
        """
        user_id = await resolve_user_ref(ctx, data.user_id, data.username)
        out, requested = await RelationshipService(ctx).request(current_user, user_id)
        return Response(out, status_code=HTTP_201_CREATED if requested else HTTP_200_OK)

    @get("/")
    async def list_relationships(
        self,
        ctx: AppContext,
        current_user: User,
        status: Status | None = None,
        role: RelationshipParty | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> RelationshipPage:
        """Your relationships, most recently changed first; ``role`` is your side (teacher: your students)."""
        return await RelationshipService(ctx).list(current_user, role=role, status=status, limit=limit, offset=offset)

    @get("/{relationship_id:uuid}")
    async def get_relationship(
        self, relationship_id: uuid.UUID, ctx: AppContext, current_user: User
    ) -> RelationshipOut:
        """One of your relationships."""
        return await RelationshipService(ctx).get(current_user, relationship_id)

    @post("/{relationship_id:uuid}/accept", status_code=HTTP_200_OK)
    async def accept(self, relationship_id: uuid.UUID, ctx: AppContext, current_user: User) -> RelationshipOut:
        """Accept a pending request made to you (the requester is notified)."""
        return await RelationshipService(ctx).accept(current_user, relationship_id)

    @post("/{relationship_id:uuid}/decline", status_code=HTTP_200_OK)
    async def decline(self, relationship_id: uuid.UUID, ctx: AppContext, current_user: User) -> RelationshipOut:
        """Decline a pending request made to you."""
        return await RelationshipService(ctx).decline(current_user, relationship_id)

    @delete("/{relationship_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, relationship_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """End a relationship or withdraw a request (either party); shares between the two are revoked."""
        await RelationshipService(ctx).remove(current_user, relationship_id)
