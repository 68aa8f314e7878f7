"""Reading, listing, updating and deleting recordings, each action authorized by ``api.authz``."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz import ListScope, RecordingAction, RecordingFacts, authorize_listing, authorize_recording
from api.authz.recordings import recording_permissions
from api.conditional import weak_etag
from api.context import AppContext
from api.recordings.presenter import present
from api.recordings.piece import piece_song_of
from api.recordings.schemas import RecordingOut, RecordingPage, RecordingUpdate
from core.errors import NotFound, Unauthorized
from storage.models.recordings import Recording
from storage.models.users import User
from storage.objects.keys import recording_prefix
from storage.repositories.jobs import JobRepository
from storage.repositories.library import LibraryRepository
from storage.repositories.recording_reads import (
    RecordingListFilter,
    RecordingView,
    recording_detail,
    recording_page,
)
from storage.repositories.recordings import RecordingRepository
from storage.repositories.user_reads import own_account
from storage.repositories.shares import ShareRepository
from storage.repositories.submissions import teaches_submission

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
        teaches_submission=shared and await teaches_submission(session, recording.id, caller.id),
    )
    return Authorized(recording, facts, authorize_recording(caller, facts, action))


@dataclass(frozen=True, slots=True)
class RecordingRead:
    """A recording the caller may view, with their permissions and the row's version (for the ETag)."""

    view: RecordingView
    permissions: frozenset[RecordingAction]
    version: str

    def etag(self, media_url_ttl: int) -> str:
        """Changes with the row, with the caller's permissions, and every half URL lifetime, so a body
        kept by a client because it was "not modified" still has media URLs valid for a while."""
        window = int(time.time()) // max(media_url_ttl // 2, 1)
        return weak_etag(self.version, ",".join(sorted(self.permissions)), window)


def _list_filter(
    scope: ListScope, viewer_id: uuid.UUID, owner_id: uuid.UUID | None, status: str | None
) -> RecordingListFilter:
    if scope == ListScope.MINE:
        return RecordingListFilter(owner_id=viewer_id, status=status)
    if scope == ListScope.SHARED:
        return RecordingListFilter(owner_id=owner_id, shared_with=viewer_id, status=status)
    if scope == ListScope.PUBLIC:
        return RecordingListFilter(owner_id=owner_id, public_only=True, status=status)
    return RecordingListFilter(owner_id=owner_id, status=status, admin_only=True)


class RecordingService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def list(
        self,
        claims: TokenClaims | None,
        *,
        scope: ListScope,
        owner_id: uuid.UUID | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> RecordingPage:
        """One statement: the caller's account, the count and the page (renditions and job ids included)."""
        if claims is None:  # every list needs a caller (``authorize_listing``): 401 before any I/O
            raise Unauthorized("an access token is required (Authorization: Bearer …)")
        viewer_id = claims.sub
        if scope == ListScope.MINE and owner_id not in (None, viewer_id):
            await self._check_caller(claims)  # nobody else's recordings are "mine": an empty page
            return RecordingPage(items=[], total=0, limit=limit, offset=offset)
        where = _list_filter(scope, viewer_id, owner_id, status)
        read = recording_page(self.ctx.reads, viewer_id, where, limit=limit, offset=offset)
        caller_row, total, views = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        authorize_listing(caller, scope)
        items = []
        for view in views:
            permissions = recording_permissions(caller, RecordingFacts.of(view))
            items.append(await present(self.ctx, view, view.job_id, permissions))
        return RecordingPage(items=items, total=total, limit=limit, offset=offset)

    async def read(self, claims: TokenClaims | None, recording_id: uuid.UUID) -> RecordingRead:
        """The recording as the caller may view it (404 otherwise), from one statement that also counts
        the view (``recording_reads._counted_view``). Anonymous callers see recordings only through
        share links: 401 before any I/O, so ids are not confirmed to them."""
        if claims is None:
            raise Unauthorized("an access token is required (Authorization: Bearer …)")
        found = await read_as(self.ctx, claims, recording_detail(self.ctx.reads, claims.sub, recording_id))
        caller = check_account(claims, found.caller)
        if found.view is None:
            raise NotFound("no such recording", error_code="recording_not_found")
        permissions = authorize_recording(caller, RecordingFacts.of(found.view), RecordingAction.VIEW)
        return RecordingRead(found.view, permissions, found.version or "")

    async def _check_caller(self, claims: TokenClaims) -> None:
        check_account(claims, await read_as(self.ctx, claims, own_account(self.ctx.reads, claims.sub)))

    async def update(self, caller: User, recording_id: uuid.UUID, data: RecordingUpdate) -> RecordingOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
        async with self.ctx.sessions.begin() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.UPDATE, for_update=True)
            if "is_public" in changes:
                authorize_recording(caller, found.facts, RecordingAction.PUBLISH)
            piece_song = await piece_song_of(session, changes.get("piece_song_id", found.recording.piece_song_id))
            for field, value in changes.items():
                setattr(found.recording, field, value)
            job = await JobRepository(session).latest_for_recording(recording_id)
        return await present(self.ctx, found.recording, job.id if job else None, found.permissions, piece_song)

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
            await LibraryRepository(session).forget_audio(recording_id)  # a song's audio: its length goes too
            await RecordingRepository(session).delete(found.recording)
        removed = await self.ctx.store.delete_prefix(prefix)
        log.info("recording deleted", extra={"recording_id": str(recording_id), "objects_removed": removed})
