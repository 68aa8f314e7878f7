"""The notifications a comment raises: the owner hears of a new thread, participants of a reply.

Each ``data`` carries what a link to the moment needs (``recording_id``, ``comment_id``,
``at_seconds``: ``…/recordings/{id}?t=83.5``). The actor is never told of their own action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from api.notifications.sender import Notifications
from core.text import fill
from storage.models.feedback import Comment
from storage.models.users import User
from storage.repositories.notifications import TITLE_MAX_CHARS


def _name(user: User) -> str:
    return user.display_name or user.username


def _data(comment: Comment, thread_id: uuid.UUID) -> dict[str, object]:
    return {
        "recording_id": str(comment.recording_id),
        "comment_id": str(comment.id),
        "thread_id": str(thread_id),
        "at_seconds": comment.at_seconds,
        "author_id": str(comment.author_id),
    }


async def comment_created(
    notifications: Notifications, session: AsyncSession, author: User, comment: Comment, owner_id: uuid.UUID, title: str
) -> None:
    if owner_id == author.id:
        return
    await notifications.add(
        session,
        user_id=owner_id,
        kind="comment.created",
        title=fill(title, TITLE_MAX_CHARS, before=f"{_name(author)[:60]} commented on “", after="”"),
        body=comment.body,
        data=_data(comment, comment.id),
        dedupe_key=f"comment.created:{comment.id}",
    )


async def comment_replied(
    notifications: Notifications,
    session: AsyncSession,
    author: User,
    reply: Comment,
    participants: Iterable[uuid.UUID],
    title: str,
) -> None:
    for user_id in sorted(set(participants) - {author.id}):
        await notifications.add(
            session,
            user_id=user_id,
            kind="comment.replied",
            title=fill(title, TITLE_MAX_CHARS, before=f"{_name(author)[:60]} replied on “", after="”"),
            body=reply.body,
            data=_data(reply, reply.parent_id or reply.id),
            dedupe_key=f"comment.replied:{reply.id}:{user_id}",
        )
