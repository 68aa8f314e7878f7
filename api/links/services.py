"""Share links: the owner makes, lists and deletes them; anyone holding a live token opens the recording."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from api.authz import RecordingAction, require_verified
from api.authz.recordings import VIEWER_PERMISSIONS
from api.context import AppContext
from api.links.schemas import LinkCreate, LinkCreated, LinkOut, LinkPage
from api.recordings.presenter import present
from api.recordings.schemas import RecordingOut
from api.recordings.services import authorized_recording
from core.errors import NotFound
from core.ids import utcnow
from storage.models.feedback import ShareLink
from storage.models.users import User
from storage.repositories.share_links import ShareLinkRepository, shared_recording

#: A token is 32 random bytes, URL-safe (43 characters); anything much longer is not one of ours.
MAX_TOKEN_CHARS = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _gone() -> NotFound:
    return NotFound("no such link, or it has expired", error_code="link_not_found")


class LinkService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, recording_id: uuid.UUID, data: LinkCreate) -> LinkCreated:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        async with self.ctx.sessions.begin() as session:
            await authorized_recording(session, caller, recording_id, RecordingAction.SHARE, for_update=True)
            require_verified(caller)
            link = ShareLink(
                id=uuid.uuid4(),
                recording_id=recording_id,
                created_by=caller.id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + dt.timedelta(seconds=data.expires_in_seconds),
            )
            await ShareLinkRepository(session).add(link)
        url = f"{self.ctx.settings.public_base_url}/api/v1/shared/{token}"
        return LinkCreated(id=link.id, token=token, url=url, expires_at=link.expires_at)

    async def list(self, caller: User, recording_id: uuid.UUID, *, limit: int, offset: int) -> LinkPage:
        async with self.ctx.sessions() as session:
            await authorized_recording(session, caller, recording_id, RecordingAction.SHARE)
            rows, total = await ShareLinkRepository(session).for_recording(recording_id, limit=limit, offset=offset)
        now = utcnow()
        items = [LinkOut(r.id, r.recording_id, r.created_at, r.expires_at, r.expires_at <= now) for r in rows]
        return LinkPage(items=items, total=total, limit=limit, offset=offset)

    async def delete(self, caller: User, recording_id: uuid.UUID, link_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            await authorized_recording(session, caller, recording_id, RecordingAction.SHARE)
            if not await ShareLinkRepository(session).remove(recording_id, link_id):
                raise _gone()

    async def open(self, token: str) -> RecordingOut:
        """The recording as a viewer sees it (media URLs included), from one statement."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise _gone()
        view = await shared_recording(self.ctx.reads, token_hash(token))
        if view is None:
            raise _gone()
        return await present(self.ctx, view, None, VIEWER_PERMISSIONS)
