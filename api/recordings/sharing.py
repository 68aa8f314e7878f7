"""Sharing a recording with other users: add, list, remove; the recipient is notified once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from api.authz import RecordingAction, authorize_unshare, require_verified
from api.context import AppContext
from api.notifications.sender import Notifications
from api.recordings.schemas import ShareOut, SharePage
from api.recordings.services import authorized_recording
from core.errors import NotFound, ValidationFailed
from core.ids import utcnow
from core.text import fill
from storage.models.users import User
from storage.repositories.notifications import TITLE_MAX_CHARS
from storage.repositories.shares import ShareRepository
from storage.repositories.users import UserRepository


@dataclass(frozen=True, slots=True)
class ShareResult:
    share: ShareOut
    created: bool


class ShareService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def share(self, caller: User, recording_id: uuid.UUID, user_id: uuid.UUID) -> ShareResult:
        """Share with ``user_id``; sharing again is a no-op answered with the existing share."""
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            # Locked: a concurrent delete waits, instead of failing this insert on its foreign key.
            found = await authorized_recording(session, caller, recording_id, RecordingAction.SHARE, for_update=True)
            require_verified(caller)
            if user_id == caller.id:
                raise ValidationFailed(
                    "you cannot share a recording with yourself", error_code="cannot_share_with_self"
                )
            recipient = await UserRepository(session).get(user_id)
            if recipient is None or not recipient.is_active:
                raise NotFound("no such user", error_code="user_not_found")
            now = utcnow()
            shares = ShareRepository(session)
            created = await shares.add(recording_id, user_id, now)
            if created:
                # Keyed by the share's creation: a share removed and made again notifies again.
                await notifications.add(
                    session,
                    user_id=user_id,
                    kind="recording.shared",
                    title=_shared_title(caller, found.recording.title),
                    data={"recording_id": str(recording_id), "shared_by": str(caller.id)},
                    dedupe_key=f"recording.shared:{recording_id}:{user_id}:{now.timestamp():.6f}",
                )
            else:
                now = await shares.created_at(recording_id, user_id) or now
        await notifications.publish(self.ctx.redis)
        out = ShareOut(recording_id, user_id, recipient.username, recipient.display_name, now)
        return ShareResult(share=out, created=created)

    async def list(self, caller: User, recording_id: uuid.UUID, *, limit: int, offset: int) -> SharePage:
        async with self.ctx.sessions() as session:
            await authorized_recording(session, caller, recording_id, RecordingAction.SHARE)
            rows, total = await ShareRepository(session).list_for_recording(recording_id, limit=limit, offset=offset)
        items = [ShareOut(s.recording_id, u.id, u.username, u.display_name, s.created_at) for s, u in rows]
        return SharePage(items=items, total=total, limit=limit, offset=offset)

    async def unshare(self, caller: User, recording_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """The owner stops sharing with ``user_id``, or a recipient leaves the share."""
        async with self.ctx.sessions.begin() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.VIEW)
            authorize_unshare(caller, found.facts, user_id)
            if not await ShareRepository(session).remove(recording_id, user_id):
                raise NotFound("the recording is not shared with that user", error_code="share_not_found")


def _name(user: User) -> str:
    return user.display_name or user.username


def _shared_title(caller: User, title: str) -> str:
    """A name of up to 120 characters and a title of up to 200 would overflow the column: cut the title."""
    return fill(title, TITLE_MAX_CHARS, before=f"{_name(caller)} shared “", after="” with you")
