"""Comment writes: add, change, delete (or leave a tombstone), and who takes part in a thread."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.feedback import Comment
from storage.models.users import User


class CommentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, comment_id: uuid.UUID, *, for_update: bool = False) -> Comment | None:
        stmt = select(Comment).where(Comment.id == comment_id)
        if for_update:  # and fresh: the row may sit in the session from an unlocked read
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add(self, comment: Comment) -> Comment:
        self.session.add(comment)
        await self.session.flush()
        return comment

    async def reply_count(self, comment_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(Comment).where(Comment.parent_id == comment_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def replies(self, comment_id: uuid.UUID) -> Sequence[Comment]:
        stmt = select(Comment).where(Comment.parent_id == comment_id).order_by(Comment.created_at, Comment.id)
        return (await self.session.execute(stmt)).scalars().all()

    async def participants(self, root_id: uuid.UUID) -> set[uuid.UUID]:
        """Everyone who wrote in the thread: its first comment's author and every replier."""
        stmt = select(Comment.author_id).where((Comment.id == root_id) | (Comment.parent_id == root_id)).distinct()
        return set((await self.session.execute(stmt)).scalars().all())

    async def remove(self, comment_id: uuid.UUID) -> None:
        await self.session.execute(delete(Comment).where(Comment.id == comment_id))

    async def authors(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
        rows = (await self.session.execute(select(User).where(User.id.in_(ids)))).scalars().all()
        return {user.id: user for user in rows}
