"""Share links: bearer links to one recording, stored as the SHA-256 of their token only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import ReadDatabase
from storage.models.feedback import ShareLink
from storage.models.recordings import Recording, RecordingStatus
from storage.repositories.reads import CompiledRead, as_text, decode
from storage.repositories.recording_reads import RecordingView, view_json


class ShareLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: ShareLink) -> ShareLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def for_recording(
        self, recording_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[ShareLink], int]:
        """The recording's links (expired ones too, until deleted), newest first."""
        where = ShareLink.recording_id == recording_id
        total = (await self.session.execute(select(func.count()).select_from(ShareLink).where(where))).scalar_one()
        stmt = (
            select(ShareLink)
            .where(where)
            .order_by(ShareLink.created_at.desc(), ShareLink.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(stmt)).scalars().all(), total

    async def remove(self, recording_id: uuid.UUID, link_id: uuid.UUID) -> bool:
        stmt = delete(ShareLink).where(ShareLink.id == link_id, ShareLink.recording_id == recording_id)
        return bool((await self.session.execute(stmt.returning(ShareLink.id))).first())


def _shared() -> Select[Any]:
    rec, links = Recording.__table__.alias("rec"), ShareLink.__table__
    return select(as_text(view_json(rec))).where(
        links.c.token_hash == bindparam("token_hash", type_=String),
        links.c.expires_at > func.now(),
        rec.c.id == links.c.recording_id,
        rec.c.status != RecordingStatus.DELETED.value,
    )


_SHARED = CompiledRead(lambda: select(_shared().scalar_subquery()))


async def shared_recording(db: ReadDatabase, token_hash: str) -> RecordingView | None:
    """The recording a live link's token opens, in one statement; ``None`` if expired, deleted or unknown."""
    (text,) = await db.fetch_row(_SHARED, token_hash=token_hash, sub=None)
    return decode(text, RecordingView)


__all__ = ["ShareLinkRepository", "shared_recording"]
