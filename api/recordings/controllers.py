"""/api/v1/recordings: upload (streamed), list, detail, update, delete."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.context import AppContext
from api.fields import Limit, Offset
from api.recordings.presenter import present
from api.recordings.schemas import RecordingOut, RecordingPage, RecordingUpdate
from api.recordings.services import RecordingService
from api.recordings.upload import UploadService
from storage.models.users import User

Status = Literal["processing", "ready", "failed"]


class RecordingsController(Controller):
    path = "/api/v1/recordings"
    tags = ["recordings"]

    @post(
        "/",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # the upload enforces MAX_UPLOAD_BYTES itself, while streaming
        summary="Upload a recording (multipart/form-data: file, title, description, piece, composer)",
    )
    async def upload(self, request: Request, ctx: AppContext, current_user: User) -> Response[RecordingOut]:
        """Stream the file into storage and start processing. ``Idempotency-Key`` makes retries safe."""
        result = await UploadService(ctx).upload(request, current_user)
        body = await present(ctx, result.recording, result.job_id)
        headers = {"Location": body.links.self}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status_code=HTTP_202_ACCEPTED, headers=headers)

    @get("/")
    async def list_recordings(
        self,
        ctx: AppContext,
        current_user: User,
        status: Status | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> RecordingPage:
        """The caller's recordings, newest first."""
        return await RecordingService(ctx).list(current_user, status=status, limit=limit, offset=offset)

    @get("/{recording_id:uuid}")
    async def get_recording(self, recording_id: uuid.UUID, ctx: AppContext, current_user: User) -> RecordingOut:
        """Status, metadata, renditions with URLs, thumbnail and poster."""
        return await RecordingService(ctx).get(current_user, recording_id)

    @patch("/{recording_id:uuid}")
    async def update_recording(
        self, recording_id: uuid.UUID, data: RecordingUpdate, ctx: AppContext, current_user: User
    ) -> RecordingOut:
        """Change title, description, piece or composer."""
        return await RecordingService(ctx).update(current_user, recording_id, data)

    @delete("/{recording_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_recording(self, recording_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the recording, its jobs and every stored object."""
        await RecordingService(ctx).delete(current_user, recording_id)
