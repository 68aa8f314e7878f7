"""Reading, updating and deleting recordings; only the owner may (sharing arrives with full auth)."""

from __future__ import annotations

import logging
import uuid

import msgspec

from api.context import AppContext
from api.recordings.presenter import present
from api.recordings.schemas import RecordingOut, RecordingPage, RecordingUpdate
from core.errors import NotFound
from storage.models.recordings import Recording
from storage.models.users import User
from storage.objects.keys import recording_prefix
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository

log = logging.getLogger("cadenza.recordings")


class RecordingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def list(self, user: User, *, status: str | None, limit: int, offset: int) -> RecordingPage:
        async with self.ctx.sessions() as session:
            rows, total = await RecordingRepository(session).list_for_owner(user.id, status=status, limit=limit, offset=offset)
            job_ids = await JobRepository(session).latest_ids_for_recordings([r.id for r in rows])
        items = [await present(self.ctx, r, job_ids.get(r.id)) for r in rows]
        return RecordingPage(items=items, total=total, limit=limit, offset=offset)

    async def get(self, user: User, recording_id: uuid.UUID) -> RecordingOut:
        async with self.ctx.sessions() as session:
            recording = await self._owned(session, user, recording_id)
            job = await JobRepository(session).latest_for_recording(recording.id)
        return await present(self.ctx, recording, job.id if job else None)

    async def update(self, user: User, recording_id: uuid.UUID, data: RecordingUpdate) -> RecordingOut:
        async with self.ctx.sessions.begin() as session:
            recording = await self._owned(session, user, recording_id, for_update=True)
            for field in data.__struct_fields__:
                value = getattr(data, field)
                if value is not msgspec.UNSET:
                    setattr(recording, field, value)
            job = await JobRepository(session).latest_for_recording(recording.id)
        return await present(self.ctx, recording, job.id if job else None)

    async def delete(self, user: User, recording_id: uuid.UUID) -> None:
        """Remove the rows, then every object under the recording's prefix (idempotent)."""
        async with self.ctx.sessions.begin() as session:
            recording = await self._owned(session, user, recording_id, for_update=True)
            prefix = recording_prefix(recording.owner_id, recording.id)
            await RecordingRepository(session).delete(recording)
        removed = await self.ctx.store.delete_prefix(prefix)
        log.info("recording deleted", extra={"recording_id": str(recording_id), "objects_removed": removed})

    @staticmethod
    async def _owned(session, user: User, recording_id: uuid.UUID, *, for_update: bool = False) -> Recording:  # noqa: ANN001
        recording = await RecordingRepository(session).get(recording_id, for_update=for_update)
        # Someone else's recording answers 404, not 403: ids are not confirmed to strangers.
        if recording is None or recording.owner_id != user.id:
            raise NotFound("no such recording", error_code="recording_not_found")
        return recording
