"""/api/v1/recordings/{id}/links (the owner's) and /api/v1/shared/{token} (no sign-in)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.context import AppContext
from api.fields import Limit, Offset
from api.links.schemas import LinkCreate, LinkCreated, LinkPage
from api.links.services import LinkService
from api.recordings.schemas import RecordingOut
from storage.models.users import User


class RecordingLinksController(Controller):
    path = "/api/v1/recordings/{recording_id:uuid}/links"
    tags = ["share links"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_link(
        self, recording_id: uuid.UUID, data: LinkCreate, ctx: AppContext, current_user: User
    ) -> LinkCreated:
        """A link that opens the recording without signing in, for ``expires_in_seconds`` (at most 30 days)."""
        return await LinkService(ctx).create(current_user, recording_id, data)

    @get("/")
    async def list_links(
        self, recording_id: uuid.UUID, ctx: AppContext, current_user: User, limit: Limit = 20, offset: Offset = 0
    ) -> LinkPage:
        """The recording's links, newest first (owner only; tokens are never shown again)."""
        return await LinkService(ctx).list(current_user, recording_id, limit=limit, offset=offset)

    @delete("/{link_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_link(
        self, recording_id: uuid.UUID, link_id: uuid.UUID, ctx: AppContext, current_user: User
    ) -> None:
        """The link stops working at once."""
        await LinkService(ctx).delete(current_user, recording_id, link_id)


class SharedController(Controller):
    path = "/api/v1/shared"
    tags = ["share links"]

    @get("/{token:str}", security=[{}])
    async def open_shared(self, token: str, ctx: AppContext) -> RecordingOut:
        """The recording a live link opens, with media URLs; no sign-in. 404 once expired or deleted."""
        return await LinkService(ctx).open(token)
