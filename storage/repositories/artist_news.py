"""Notifications to an artist's followers, written a batch at a time, once per item and follower."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.text import truncate
from storage.repositories.notifications import TITLE_MAX_CHARS

# One statement per batch: the next followers by id (a follower of two of the artists once),
# their rows inserted unless their dedupe key exists (a redelivered task writes nothing twice).
_BATCH = text(
    """
    WITH batch AS (
        SELECT DISTINCT user_id FROM artist_follows
        WHERE target_id = ANY(:artist_ids) AND user_id > :after
        ORDER BY user_id LIMIT :size
    ), written AS (
        INSERT INTO notifications (id, user_id, kind, title, data, dedupe_key, created_at)
        SELECT gen_random_uuid(), batch.user_id, :kind, :title, CAST(:data AS jsonb),
               :kind || ':' || :item_id || ':' || batch.user_id, now()
        FROM batch
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING user_id
    )
    SELECT (SELECT max(user_id::text) FROM batch), (SELECT count(*) FROM batch), (SELECT count(*) FROM written)
    """
)

#: Below every UUID: the first batch starts here.
FIRST = uuid.UUID(int=0)


async def notify_follower_batch(
    session: AsyncSession, *, kind: str, item_id: uuid.UUID, title: str, data: str, artist_ids: list[uuid.UUID],
    after: uuid.UUID, size: int,
) -> tuple[uuid.UUID | None, int, int]:
    """Notify the next ``size`` followers after ``after``: (last follower id, followers seen, rows written)."""
    params = {
        "artist_ids": artist_ids, "after": after, "size": size, "kind": kind, "item_id": str(item_id),
        "title": truncate(title, TITLE_MAX_CHARS), "data": data,
    }
    last, seen, written = (await session.execute(_BATCH, params)).one()
    return (uuid.UUID(last) if last else None), seen, written
