"""/api/v1/recordings: upload (streamed), list, detail, update, delete, shares."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.caller import optional_claims
from api.auth.tokens import TokenClaims
from api.authz import ListScope
from api.conditional import NOT_MODIFIED, client_has, not_modified, tag_headers
from api.context import AppContext
from api.fields import Limit, Offset
from api.recordings.presenter import present
from api.recordings.replace import ReplaceService
from api.recordings.schemas import RecordingOut, RecordingPage, RecordingUpdate, ShareCreate, ShareOut, SharePage
from api.recordings.services import RecordingService
from api.recordings.sharing import ShareService
from api.users.people import resolve_user_ref
from api.uploads import FormBody
from api.recordings.intake import UploadService
from storage.models.users import User

Status = Literal["processing", "ready", "failed"]
# ``scope`` is a reserved Litestar parameter name (the ASGI scope): the query key is mapped.
Scope = Annotated[
    ListScope,
    Parameter(
        query="scope",
        description="mine (default): your own; shared: shared with you; public: everyone's public ones "
        "(any signed-in user); all: every recording (admins)",
    ),
]



class RecordingsController(Controller):
    path = "/api/v1/recordings"
    tags = ["recordings"]
    dependencies = {"claims": Provide(optional_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @post(
        "/",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # the upload enforces MAX_UPLOAD_BYTES itself, while streaming
        summary="Upload a recording (multipart/form-data: file, title, description, piece, composer)",
    )
    async def upload(self, request: Request, ctx: AppContext, current_user: User) -> Response[RecordingOut]:
        """Stream the file into storage and start processing. ``Idempotency-Key`` makes retries safe."""
        result = await UploadService(ctx).upload(FormBody.of(request), current_user)
        body = await present(ctx, result.recording, result.job_id)
        headers = {"Location": body.links.self}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status_code=HTTP_202_ACCEPTED, headers=headers)

    @put(
        "/{recording_id:uuid}/file",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # as the upload: MAX_UPLOAD_BYTES is enforced while streaming
        summary="Replace the recording's file (multipart/form-data: file); the old media stays served until "
        "the new media is ready, and if it fails",
    )
    async def replace_file(
        self, request: Request, recording_id: uuid.UUID, ctx: AppContext, current_user: User
    ) -> Response[RecordingOut]:
        """Owner, verified e-mail: 202 and the new job; 409 ``recording_busy`` while a job runs."""
        result = await ReplaceService(ctx).replace(FormBody.of(request), current_user, recording_id)
        body = await present(ctx, result.recording, result.job_id)
        return Response(body, status_code=HTTP_202_ACCEPTED, headers={"Location": body.links.self})

    @get("/")
    async def list_recordings(
        self,
        ctx: AppContext,
        claims: TokenClaims | None,
        list_scope: Scope = ListScope.MINE,
        owner_id: uuid.UUID | None = None,
        status: Status | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> RecordingPage:
        """Recordings in ``scope``, newest first, optionally of one owner and in one status."""
        return await RecordingService(ctx).list(
            claims, scope=list_scope, owner_id=owner_id, status=status, limit=limit, offset=offset
        )

    @get("/{recording_id:uuid}", responses=NOT_MODIFIED)
    async def get_recording(
        self, request: Request, recording_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None
    ) -> Response[RecordingOut]:
        """Status, metadata, renditions with URLs, thumbnail and poster. Anonymous callers: share links only.

        Answers with an ``ETag``; ``If-None-Match`` with the current one answers 304 without a body.
        """
        found = await RecordingService(ctx).read(claims, recording_id)
        etag = found.etag(ctx.settings.media.media_url_ttl_seconds)
        if client_has(request, etag):
            return not_modified(etag)
        body = await present(ctx, found.view, found.view.job_id, found.permissions)
        return Response(body, headers=tag_headers(etag))

    @patch("/{recording_id:uuid}")
    async def update_recording(
        self, recording_id: uuid.UUID, data: RecordingUpdate, ctx: AppContext, current_user: User
    ) -> RecordingOut:
        """Change title, description, piece, composer; ``is_public`` (owner only)."""
        return await RecordingService(ctx).update(current_user, recording_id, data)

    @delete("/{recording_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_recording(self, recording_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the recording, its jobs, its shares and every stored object."""
        await RecordingService(ctx).delete(current_user, recording_id)

    @post("/{recording_id:uuid}/shares", status_code=HTTP_201_CREATED)
    async def share(
        self, recording_id: uuid.UUID, data: ShareCreate, ctx: AppContext, current_user: User
    ) -> Response[ShareOut]:
        """Share with a user (owner, verified e-mail): 201, or 200 when already shared with them."""
        user_id = await resolve_user_ref(ctx, data.user_id, data.username)
        result = await ShareService(ctx).share(current_user, recording_id, user_id)
        return Response(result.share, status_code=HTTP_201_CREATED if result.created else HTTP_200_OK)

    @get("/{recording_id:uuid}/shares")
    async def list_shares(
        self, recording_id: uuid.UUID, ctx: AppContext, current_user: User, limit: Limit = 20, offset: Offset = 0
    ) -> SharePage:
        """Who the recording is shared with (owner only), oldest share first."""
        return await ShareService(ctx).list(current_user, recording_id, limit=limit, offset=offset)

    @delete("/{recording_id:uuid}/shares/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def unshare(self, recording_id: uuid.UUID, user_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Stop sharing with a user (owner), or leave a recording shared with you (that user)."""
        await ShareService(ctx).unshare(current_user, recording_id, user_id)
