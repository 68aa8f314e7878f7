"""Comments: write them in a transaction that checks the recording policy, read a page in one statement."""

from __future__ import annotations

import math
import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz import RecordingAction, authorize_recording, require_verified
from api.authz.comments import CommentAction, CommentFacts, authorize_comment
from api.authz.recordings import RecordingFacts
from api.comments import notices
from api.comments.schemas import AuthorOut, CommentCreate, CommentOut, CommentPage, CommentUpdate, ReplyCreate
from api.context import AppContext
from api.notifications.sender import Notifications
from api.recordings.services import Authorized, authorized_recording
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.feedback import Comment
from storage.models.users import User
from storage.repositories.comment_reads import comment_page
from storage.repositories.comments import CommentRepository


def _bad_time(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, error_code="invalid_timestamp")


def check_span(at: float, end: float | None, duration: float | None) -> None:
    """``0 ≤ at ≤ end ≤ duration`` (422 ``invalid_timestamp``); 409 while the duration is unknown."""
    if not math.isfinite(at) or (end is not None and not math.isfinite(end)):
        raise _bad_time("timestamps must be finite numbers of seconds")
    if at < 0 or (end is not None and end < at):
        raise _bad_time("at_seconds must be at least 0 and at most end_seconds")
    if duration is None:
        raise Conflict("the recording's duration is not known yet", error_code="recording_not_ready")
    if (end if end is not None else at) > duration:
        raise _bad_time(f"the recording lasts {duration:.3f} s")


def _comment_missing() -> NotFound:
    return NotFound("no such comment", error_code="comment_not_found")


def comment_out(row: Comment, author: User, replies: list[CommentOut] | None = None) -> CommentOut:
    replies = replies or []
    return CommentOut(
        id=row.id,
        recording_id=row.recording_id,
        author=AuthorOut(author.id, author.username, author.display_name),
        body=row.body,
        at_seconds=row.at_seconds,
        end_seconds=row.end_seconds,
        category=row.category,
        parent_id=row.parent_id,
        resolved=row.resolved,
        deleted=row.deleted,
        reply_count=len(replies),
        replies=replies,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class CommentService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def list(
        self,
        claims: TokenClaims,
        recording_id: uuid.UUID,
        *,
        category: str | None,
        resolved: bool | None,
        limit: int,
        offset: int,
    ) -> CommentPage:
        """One statement: the caller's account, the recording's access facts, the count and the page."""
        read = comment_page(
            self.ctx.reads, claims.sub, recording_id, category=category, resolved=resolved, limit=limit, offset=offset
        )
        caller_row, access, total, items = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if access is None:
            raise NotFound("no such recording", error_code="recording_not_found")
        authorize_recording(caller, RecordingFacts.of(access), RecordingAction.VIEW)
        threads = msgspec.json.decode(items, type=list[CommentOut])
        return CommentPage(items=threads, total=total, limit=limit, offset=offset)

    async def create(self, caller: User, recording_id: uuid.UUID, data: CommentCreate) -> CommentOut:
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            # Locked against a concurrent delete, which would fail this insert on its foreign key.
            found = await authorized_recording(session, caller, recording_id, RecordingAction.VIEW, for_update=True)
            require_verified(caller)
            check_span(data.at_seconds, data.end_seconds, found.recording.duration_seconds)
            now = utcnow()
            row = Comment(
                id=uuid.uuid4(),
                recording_id=recording_id,
                author_id=caller.id,
                body=data.body,
                at_seconds=data.at_seconds,
                end_seconds=data.end_seconds,
                category=data.category,
                created_at=now,
                updated_at=now,
            )
            await CommentRepository(session).add(row)
            await notices.comment_created(
                notifications, session, caller, row, found.recording.owner_id, found.recording.title
            )
        await notifications.publish(self.ctx.redis)
        return comment_out(row, caller)

    async def reply(self, caller: User, comment_id: uuid.UUID, data: ReplyCreate) -> CommentOut:
        """A reply joins the thread of the comment it answers (a reply to a reply: the same thread)."""
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            comments = CommentRepository(session)
            target, found = await self._visible(session, caller, comment_id)
            require_verified(caller)
            if data.recording_id is not None and data.recording_id != target.recording_id:
                raise ValidationFailed("that comment is on another recording", error_code="wrong_recording")
            root = target if target.parent_id is None else await comments.get(target.parent_id, for_update=True)
            if root is None:
                raise _comment_missing()
            if root.deleted:
                raise Conflict("the thread's comment was deleted", error_code="comment_deleted")
            now = utcnow()
            reply = Comment(
                id=uuid.uuid4(),
                recording_id=root.recording_id,
                author_id=caller.id,
                parent_id=root.id,
                body=data.body,
                at_seconds=root.at_seconds,
                end_seconds=root.end_seconds,
                created_at=now,
                updated_at=now,
            )
            await comments.add(reply)
            participants = await comments.participants(root.id)
            await notices.comment_replied(notifications, session, caller, reply, participants, found.recording.title)
        await notifications.publish(self.ctx.redis)
        return comment_out(reply, caller)

    async def update(self, caller: User, comment_id: uuid.UUID, data: CommentUpdate) -> CommentOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
        async with self.ctx.sessions.begin() as session:
            row, found = await self._visible(session, caller, comment_id)
            facts = CommentFacts(author_id=row.author_id, recording_owner_id=found.recording.owner_id)
            if {"body", "category"} & changes.keys():
                authorize_comment(caller, facts, CommentAction.EDIT)
            if "resolved" in changes:
                authorize_comment(caller, facts, CommentAction.RESOLVE)
            if row.deleted:
                raise Conflict("the comment was deleted", error_code="comment_deleted")
            if row.parent_id is not None and {"category", "resolved"} & changes.keys():
                raise ValidationFailed("only a thread's first comment has a category and is resolved",
                                       error_code="not_a_thread")  # fmt: skip
            for field, value in changes.items():
                setattr(row, field, value)
            if changes:
                row.updated_at = utcnow()
            comments = CommentRepository(session)
            replies = await comments.replies(row.id) if row.parent_id is None else []
            authors = await comments.authors({row.author_id} | {r.author_id for r in replies})
        return comment_out(row, authors[row.author_id], [comment_out(r, authors[r.author_id]) for r in replies])

    async def delete(self, caller: User, comment_id: uuid.UUID) -> None:
        """Remove the comment; a thread's first comment with replies becomes a tombstone instead."""
        async with self.ctx.sessions.begin() as session:
            row, found = await self._visible(session, caller, comment_id)
            facts = CommentFacts(author_id=row.author_id, recording_owner_id=found.recording.owner_id)
            authorize_comment(caller, facts, CommentAction.DELETE)
            comments = CommentRepository(session)
            if row.deleted:
                return  # already a tombstone
            if row.parent_id is None and await comments.reply_count(row.id) > 0:
                row.body, row.deleted, row.resolved, row.updated_at = None, True, False, utcnow()
                return
            await comments.remove(row.id)
            if row.parent_id is not None:
                root = await comments.get(row.parent_id, for_update=True)
                if root is not None and root.deleted and await comments.reply_count(root.id) == 0:
                    await comments.remove(root.id)  # the tombstone's last reply went: nothing left to keep

    async def _visible(self, session: AsyncSession, caller: User, comment_id: uuid.UUID) -> tuple[Comment, Authorized]:
        """The comment, locked, and its recording if the caller may view it; 404 ``comment_not_found``
        otherwise (a comment's id is not confirmed to someone who may not see its recording)."""
        comments = CommentRepository(session)
        row = await comments.get(comment_id)
        if row is None:
            raise _comment_missing()
        # Lock order: the recording, then its comments, as a recording's delete (and its cascade) does.
        try:
            found = await authorized_recording(session, caller, row.recording_id, RecordingAction.VIEW, for_update=True)
        except NotFound:
            raise _comment_missing() from None
        locked = await comments.get(comment_id, for_update=True)
        if locked is None:
            raise _comment_missing()
        return locked, found
