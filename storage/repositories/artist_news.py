"""An artist's followers, a batch at a time in follower-id order (a follower of two artists once)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.social import ARTIST_FOLLOWS

#: Below every UUID: the first batch starts here.
FIRST = uuid.UUID(int=0)


async def follower_batch(
    session: AsyncSession, artist_ids: list[uuid.UUID], *, after: uuid.UUID, size: int
) -> list[uuid.UUID]:
    """The next ``size`` distinct followers of any of ``artist_ids`` whose id is above ``after``."""
    follows = ARTIST_FOLLOWS
    stmt = (
        select(follows.c.user_id)
        .where(follows.c.target_id.in_(artist_ids), follows.c.user_id > after)
        .group_by(follows.c.user_id)
        .order_by(follows.c.user_id)
        .limit(size)
    )
    return list((await session.execute(stmt)).scalars())
