"""/api/v1/recordings/{id}/comments and /api/v1/comments/{id}: threads of timestamped comments."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.comments.schemas import Category, CommentCreate, CommentOut, CommentPage, CommentUpdate, ReplyCreate
from api.comments.services import CommentService
from api.context import AppContext
from api.fields import Limit, Offset
from storage.models.users import User


class RecordingCommentsController(Controller):
    path = "/api/v1/recordings/{recording_id:uuid}/comments"
    tags = ["comments"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_comment(
        self, recording_id: uuid.UUID, data: CommentCreate, ctx: AppContext, current_user: User
    ) -> CommentOut:
        """Comment on a moment (``at_seconds``) or a span (to ``end_seconds``) of a recording you may view."""
        return await CommentService(ctx).create(current_user, recording_id, data)

    @get("/", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def list_comments(
        self,
        recording_id: uuid.UUID,
        ctx: AppContext,
        claims: TokenClaims,
        category: Category | None = None,
        resolved: bool | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CommentPage:
        """Threads ordered by their moment, each with its replies inline (oldest first)."""
        return await CommentService(ctx).list(
            claims, recording_id, category=category, resolved=resolved, limit=limit, offset=offset
        )


class CommentsController(Controller):
    path = "/api/v1/comments/{comment_id:uuid}"
    tags = ["comments"]

    @post("/replies", status_code=HTTP_201_CREATED)
    async def reply(self, comment_id: uuid.UUID, data: ReplyCreate, ctx: AppContext, current_user: User) -> CommentOut:
        """Reply in the comment's thread (a reply to a reply joins the same thread)."""
        return await CommentService(ctx).reply(current_user, comment_id, data)

    @patch("/")
    async def update_comment(
        self, comment_id: uuid.UUID, data: CommentUpdate, ctx: AppContext, current_user: User
    ) -> CommentOut:
        """Body and category: the author. ``resolved``: the author or the recording's owner."""
        return await CommentService(ctx).update(current_user, comment_id, data)

    @delete("/", status_code=HTTP_204_NO_CONTENT)
    async def delete_comment(self, comment_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """The author, the recording's owner or an admin; a comment with replies stays as a tombstone."""
        await CommentService(ctx).delete(current_user, comment_id)
