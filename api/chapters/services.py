"""Chapters: ordered inside their course; content for students, outline for everybody (DESIGN §10)."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseAction, authorize_course
from api.chapters.schemas import ChapterCreate, ChapterOut, ChapterPage, ChapterSummary, ChapterUpdate, chapter_out
from api.context import AppContext
from api.courses.services import course_facts, load_course, read_facts
from core.errors import NotFound
from core.ids import utcnow
from core.markdown import render_markdown
from storage.models.learning import Chapter
from storage.models.users import User
from storage.repositories import chapter_reads, course_reads
from storage.repositories.course_reads import CourseFactsRow
from storage.repositories.reads import CallerRow
from storage.repositories.chapters import ChapterContext, ChapterRepository

_SUMMARIES = msgspec.json.Decoder(list[ChapterSummary])
_CHAPTER = msgspec.json.Decoder(ChapterOut)


async def chapter_context(
    session: AsyncSession, chapter_id: uuid.UUID, caller: User | None, action: CourseAction, *, share: bool = False
) -> ChapterContext:
    """The chapter, its course and the caller's enrolment, once the caller may do ``action``
    (``share``: kept from deletion until the transaction ends, for rows about to point at it)."""
    found = await ChapterRepository(session).with_context(chapter_id, caller.id if caller else None, share_lock=share)
    if found is None:
        raise NotFound("no such chapter", error_code="chapter_not_found")
    _, course, enrolled = found
    try:
        authorize_course(caller, course_facts(course, enrolled), action)
    except NotFound:
        raise NotFound("no such chapter", error_code="chapter_not_found") from None
    return found


class ChapterService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, course_id: uuid.UUID, data: ChapterCreate) -> ChapterOut:
        async with self.ctx.sessions.begin() as session:
            _, facts = await load_course(session, course_id, caller, lock=True)  # reorders queue up here
            authorize_course(caller, facts, CourseAction.EDIT)
            chapter = Chapter(
                course_id=course_id,
                title=data.title.strip(),
                description=data.description,
                content=data.content,
                content_html=render_markdown(data.content),
            )
            await ChapterRepository(session).insert(chapter, data.position)
            return chapter_out(chapter)

    async def list(
        self, claims: TokenClaims | None, course_id: uuid.UUID, limit: int, offset: int
    ) -> ChapterPage:
        """The course's outline, each chapter with whether the caller completed it: one statement."""
        read = course_reads.chapter_page(
            self.ctx.reads, claims.sub if claims else None, course_id, limit=limit, offset=offset
        )
        caller_row, facts, total, items = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row) if claims is not None else None
        if facts is None:
            raise NotFound("no such course", error_code="course_not_found")
        authorize_course(caller, read_facts(facts), CourseAction.VIEW)
        return ChapterPage(items=_SUMMARIES.decode(items), total=total, limit=limit, offset=offset)

    async def get(self, claims: TokenClaims, chapter_id: uuid.UUID) -> ChapterOut:
        """The chapter's content; opening it counts as the student's last access to the course (one statement)."""
        read = chapter_reads.open_chapter(self.ctx.reads, claims.sub, chapter_id, utcnow())
        caller_row, facts, chapter = await read_as(self.ctx, claims, read)
        may_study(check_account(claims, caller_row), facts)
        return _CHAPTER.decode(chapter)

    async def update(self, caller: User, chapter_id: uuid.UUID, data: ChapterUpdate) -> ChapterOut:
        async with self.ctx.sessions.begin() as session:
            chapter, course, _ = await chapter_context(session, chapter_id, caller, CourseAction.EDIT)
            await load_course(session, course.id, caller, lock=True)
            chapter = await _current(session, chapter_id)  # as it is now that the course is locked
            if data.title is not msgspec.UNSET:
                chapter.title = data.title.strip()
            if data.description is not msgspec.UNSET:
                chapter.description = data.description
            if data.content is not msgspec.UNSET:
                chapter.content, chapter.content_html = data.content, render_markdown(data.content)
            if data.position is not msgspec.UNSET:
                await ChapterRepository(session).move(chapter, data.position)
            chapter.updated_at = utcnow()
            await session.flush()
            return chapter_out(chapter)

    async def delete(self, caller: User, chapter_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            _, course, _ = await chapter_context(session, chapter_id, caller, CourseAction.EDIT)
            await load_course(session, course.id, caller, lock=True)
            await ChapterRepository(session).remove(await _current(session, chapter_id))

    async def neighbour(self, claims: TokenClaims, chapter_id: uuid.UUID, step: int) -> ChapterOut:
        """The next (``step`` 1) or previous (-1) chapter; 404 ``no_next_chapter`` / ``no_previous_chapter``."""
        read = chapter_reads.neighbour_chapter(self.ctx.reads, claims.sub, chapter_id, step)
        caller_row, facts, other = await read_as(self.ctx, claims, read)
        may_study(check_account(claims, caller_row), facts)
        if other is None:
            code = "no_next_chapter" if step > 0 else "no_previous_chapter"
            raise NotFound(f"this is the {'last' if step > 0 else 'first'} chapter", error_code=code)
        return _CHAPTER.decode(other)


def may_study(caller: CallerRow, facts: CourseFactsRow | None, what: str = "chapter") -> None:
    """The caller may study the course of a chapter (or a block: ``what``); to others who may not
    see the course, the ``what`` does not exist (404 ``<what>_not_found``)."""
    if facts is None:
        raise NotFound(f"no such {what}", error_code=f"{what}_not_found")
    try:
        authorize_course(caller, read_facts(facts), CourseAction.STUDY)
    except NotFound:
        raise NotFound(f"no such {what}", error_code=f"{what}_not_found") from None


async def _current(session: AsyncSession, chapter_id: uuid.UUID) -> Chapter:
    chapter = await ChapterRepository(session).get(chapter_id)
    if chapter is None:  # deleted by a concurrent request while we waited for the lock
        raise NotFound("no such chapter", error_code="chapter_not_found")
    return chapter
