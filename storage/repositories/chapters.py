"""Chapters and content blocks, each ordered inside its parent (see ``positions``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.learning import Chapter, ContentBlock, Course
from storage.models.recordings import Recording, RecordingStatus
from storage.repositories.courses import enrolled_in
from storage.repositories.positions import Ordered

CHAPTERS = Ordered(Chapter, Chapter.course_id)
BLOCKS = Ordered(ContentBlock, ContentBlock.chapter_id)

#: A chapter, its course, and whether the caller is enrolled in that course.
ChapterContext = tuple[Chapter, Course, bool]
#: A block, its chapter, its course, and whether the caller is enrolled.
BlockContext = tuple[ContentBlock, Chapter, Course, bool]


class ChapterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def with_context(
        self, chapter_id: uuid.UUID, user_id: uuid.UUID | None, *, share_lock: bool = False
    ) -> ChapterContext | None:
        """The chapter, its course and the caller's enrolment, in one statement; ``share_lock``
        keeps the chapter from being deleted until the transaction ends."""
        stmt = (
            select(Chapter, Course, enrolled_in(Course.id, user_id))
            .join(Course, Course.id == Chapter.course_id)
            .where(Chapter.id == chapter_id)
        )
        if share_lock:
            stmt = stmt.with_for_update(read=True, of=Chapter)
        row = (await self.session.execute(stmt)).one_or_none()
        return None if row is None else (row[0], row[1], bool(row[2]))

    async def get(self, chapter_id: uuid.UUID) -> Chapter | None:
        """The chapter as it is now (read again after its course was locked)."""
        stmt = select(Chapter).where(Chapter.id == chapter_id).execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def insert(self, chapter: Chapter, wanted: int | None) -> Chapter:
        """Insert at ``wanted`` (the course row must be locked), shifting later chapters down."""
        chapter.position = await CHAPTERS.open_gap(self.session, chapter.course_id, wanted)
        self.session.add(chapter)
        await self.session.flush()
        return chapter

    async def move(self, chapter: Chapter, wanted: int) -> None:
        chapter.position = await CHAPTERS.move(self.session, chapter.course_id, chapter.id, chapter.position, wanted)

    async def remove(self, chapter: Chapter) -> None:
        await self.session.execute(delete(Chapter).where(Chapter.id == chapter.id))
        await CHAPTERS.close_gap(self.session, chapter.course_id, chapter.position)

    async def at(self, course_id: uuid.UUID, position: int) -> Chapter | None:
        stmt = select(Chapter).where(Chapter.course_id == course_id, Chapter.position == position)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def ids_of(self, course_id: uuid.UUID) -> Sequence[uuid.UUID]:
        stmt = select(Chapter.id).where(Chapter.course_id == course_id).order_by(Chapter.position)
        return list((await self.session.execute(stmt)).scalars())


class BlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def with_context(self, block_id: uuid.UUID, user_id: uuid.UUID | None) -> BlockContext | None:
        stmt = (
            select(ContentBlock, Chapter, Course, enrolled_in(Course.id, user_id))
            .join(Chapter, Chapter.id == ContentBlock.chapter_id)
            .join(Course, Course.id == Chapter.course_id)
            .where(ContentBlock.id == block_id)
        )
        row = (await self.session.execute(stmt)).one_or_none()
        return None if row is None else (row[0], row[1], row[2], bool(row[3]))

    async def get(self, block_id: uuid.UUID) -> ContentBlock | None:
        stmt = select(ContentBlock).where(ContentBlock.id == block_id).execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def lock_chapter(self, chapter_id: uuid.UUID) -> Chapter | None:
        """Lock the chapter row: reorders of its blocks queue up behind each other."""
        stmt = select(Chapter).where(Chapter.id == chapter_id).with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def insert(self, block: ContentBlock, wanted: int | None) -> ContentBlock:
        block.position = await BLOCKS.open_gap(self.session, block.chapter_id, wanted)
        self.session.add(block)
        await self.session.flush()
        return block

    async def move(self, block: ContentBlock, wanted: int) -> None:
        block.position = await BLOCKS.move(self.session, block.chapter_id, block.id, block.position, wanted)

    async def remove(self, block: ContentBlock) -> None:
        await self.session.execute(delete(ContentBlock).where(ContentBlock.id == block.id))
        await BLOCKS.close_gap(self.session, block.chapter_id, block.position)

    async def recordings(self, recording_ids: set[uuid.UUID]) -> dict[uuid.UUID, Recording]:
        """The blocks' recordings that are ready, with their renditions (two statements for any number)."""
        if not recording_ids:
            return {}
        stmt = select(Recording).where(Recording.id.in_(recording_ids), Recording.status == RecordingStatus.READY)
        return {r.id: r for r in (await self.session.execute(stmt)).scalars()}
