"""Dense 1-based positions inside a parent (a course's chapters, a chapter's blocks).

Callers lock the parent row first (``FOR UPDATE``), so two teachers reordering one course queue
up instead of interleaving; each shift is then ONE ``UPDATE``. The ``(parent, position)`` unique
constraint is DEFERRABLE, so PostgreSQL checks it at the end of each statement rather than row by
row (a plain unique index would trip over the rows' intermediate, momentarily equal positions).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Ordered:
    """A model with ``id``, ``position`` and the column naming its parent."""

    model: Any
    parent: Any  # the parent column, e.g. Chapter.course_id

    async def count(self, session: AsyncSession, parent_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(self.model).where(self.parent == parent_id)
        return int((await session.execute(stmt)).scalar_one())

    async def open_gap(self, session: AsyncSession, parent_id: uuid.UUID, wanted: int | None) -> int:
        """Make room at ``wanted`` (``None`` or past the end: append) and return the position to insert at."""
        size = await self.count(session, parent_id)
        position = size + 1 if wanted is None else max(1, min(wanted, size + 1))
        if position <= size:
            model = self.model
            await session.execute(
                update(model)
                .where(self.parent == parent_id, model.position >= position)
                .values(position=model.position + 1)
                .execution_options(synchronize_session=False)
            )
        return position

    async def move(self, session: AsyncSession, parent_id: uuid.UUID, row_id: uuid.UUID, old: int, wanted: int) -> int:
        """Move the row from ``old`` to ``wanted`` (clamped to the list), shifting those between; the new position."""
        size = await self.count(session, parent_id)
        new = max(1, min(wanted, size))
        if new == old:
            return new
        model = self.model
        low, high, step = (new, old, 1) if new < old else (old, new, -1)
        await session.execute(
            update(model)
            .where(self.parent == parent_id, and_(model.position >= low, model.position <= high))
            .values(position=case((model.id == row_id, new), else_=model.position + step))
            .execution_options(synchronize_session=False)
        )
        return new

    async def close_gap(self, session: AsyncSession, parent_id: uuid.UUID, removed: int) -> None:
        """Shift the rows after a removed one up by one."""
        model = self.model
        await session.execute(
            update(model)
            .where(self.parent == parent_id, model.position > removed)
            .values(position=model.position - 1)
            .execution_options(synchronize_session=False)
        )
