"""Reading, listing, updating and deleting recordings, each action authorized by ``api.authz``."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import ListScope, RecordingAction, RecordingFacts, authorize_listing, authorize_recording
from api.authz.recordings import recording_permissions
from api.context import AppContext
from api.recordings.presenter import present
from api.recordings.schemas import RecordingOut, RecordingPage, RecordingUpdate
from core.errors import NotFound
from storage.models.recordings import Recording
from storage.models.users import User
from storage.objects.keys import recording_prefix
from storage.repositories.jobs import JobRepository
from storage.repositories.recordings import RecordingRepository
from storage.repositories.shares import ShareRepository

log = logging.getLogger("cadenza.recordings")


@dataclass(frozen=True, slots=True)
class Authorized:
    """A recording the caller may act on, with facts and permissions the policy decided on."""

    recording: Recording
    facts: RecordingFacts
    permissions: frozenset[RecordingAction]


async def authorized_recording(
    session: AsyncSession,
    caller: User | None,
    recording_id: uuid.UUID,
    action: RecordingAction,
    *,
    for_update: bool = False,
) -> Authorized:
    """Load the recording and the facts the policy needs, then authorize ``action`` (404/401/403)."""
    recording = await RecordingRepository(session).get(recording_id, for_update=for_update)
    if recording is None:
        raise NotFound("no such recording", error_code="recording_not_found")
    shared = caller is not None and caller.id != recording.owner_id
    facts = RecordingFacts(
        owner_id=recording.owner_id,
        is_public=recording.is_public,
        shared_with_caller=shared and await ShareRepository(session).is_shared_with(recording.id, caller.id),
    )
    return Authorized(recording, facts, authorize_recording(caller, facts, action))


class RecordingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def list(
        self,
        caller: User | None,
        *,
        scope: ListScope,
        owner_id: uuid.UUID | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> RecordingPage:
        authorize_listing(caller, scope)
        viewer_id = caller.id if caller is not None else None
        shared_with, public_only = None, False
        if scope == ListScope.MINE:
            if owner_id not in (None, viewer_id):
                return RecordingPage(items=[], total=0, limit=limit, offset=offset)
            owner_id = viewer_id
        elif scope == ListScope.SHARED:
            shared_with = viewer_id
        elif scope == ListScope.PUBLIC:
            public_only = True
        async with self.ctx.sessions() as session:
            rows, total = await RecordingRepository(session).search(
                owner_id=owner_id,
                shared_with=shared_with,
                public_only=public_only,
                status=status,
                limit=limit,
                offset=offset,
            )
            job_ids = await JobRepository(session).latest_ids_for_recordings([r.id for r in rows])
        items = []
        for row in rows:
            facts = RecordingFacts(row.owner_id, row.is_public, shared_with_caller=scope == ListScope.SHARED)
            items.append(await present(self.ctx, row, job_ids.get(row.id), recording_permissions(caller, facts)))
        return RecordingPage(items=items, total=total, limit=limit, offset=offset)

    async def get(self, caller: User | None, recording_id: uuid.UUID) -> RecordingOut:
        async with self.ctx.sessions() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.VIEW)
            job = await JobRepository(session).latest_for_recording(recording_id)
        return await present(self.ctx, found.recording, job.id if job else None, found.permissions)

    async def update(self, caller: User, recording_id: uuid.UUID, data: RecordingUpdate) -> RecordingOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
        async with self.ctx.sessions.begin() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.UPDATE, for_update=True)
            if "is_public" in changes:
                authorize_recording(caller, found.facts, RecordingAction.PUBLISH)
            for field, value in changes.items():
                setattr(found.recording, field, value)
            job = await JobRepository(session).latest_for_recording(recording_id)
        return await present(self.ctx, found.recording, job.id if job else None, found.permissions)

    async def delete(self, caller: User, recording_id: uuid.UUID) -> None:
        """Remove the rows (shares go with them), then every object under the recording's prefix."""
        async with self.ctx.sessions.begin() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.DELETE)
            prefix = recording_prefix(found.recording.owner_id, recording_id)
            # Lock order: the recording's jobs, then the recording, as a worker finishing a step
            # does (jobs.lifecycle); the other order deadlocks with it. The cascade then finds
            # every job row already held by this transaction.
            await JobRepository(session).lock_for_recording(recording_id)
            if await RecordingRepository(session).get(recording_id, for_update=True) is None:
                raise NotFound("no such recording", error_code="recording_not_found")
            await RecordingRepository(session).delete(found.recording)
        removed = await self.ctx.store.delete_prefix(prefix)
        log.info("recording deleted", extra={"recording_id": str(recording_id), "objects_removed": removed})
