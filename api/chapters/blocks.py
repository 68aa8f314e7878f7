"""Content blocks: ordered inside a chapter; text in safe Markdown, media from READY recordings."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz.courses import CourseAction, authorize_course
from api.authz.recordings import VIEWER_PERMISSIONS, RecordingAction, RecordingFacts, recording_permissions
from api.chapters.schemas import BlockCreate, BlockOut, BlockPage, BlockUpdate, block_out
from api.chapters.services import chapter_context, may_study
from api.context import AppContext
from api.courses.services import course_facts
from api.recordings.presenter import present
from core.errors import Forbidden, NotFound, ValidationFailed
from core.ids import utcnow
from core.markdown import render_markdown
from storage.models.learning import BlockKind, ContentBlock
from storage.models.recordings import RecordingStatus
from storage.models.users import User
from storage.repositories import chapter_reads
from storage.repositories.chapter_reads import BLOCK_FIELDS, BlockRow
from storage.repositories.chapters import BlockRepository
from storage.repositories.quizzes import quiz_in_chapters_course
from storage.repositories.recordings import RecordingRepository
from storage.repositories.shares import ShareRepository

MEDIA_KINDS = frozenset({BlockKind.VIDEO, BlockKind.AUDIO, BlockKind.FILE})


class BlockService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, chapter_id: uuid.UUID, data: BlockCreate) -> BlockOut:
        async with self.ctx.sessions.begin() as session:
            await chapter_context(session, chapter_id, caller, CourseAction.EDIT)
            await _check_fields(session, caller, data.kind, data.recording_id, data.quiz_id, chapter_id)
            repo = BlockRepository(session)
            if await repo.lock_chapter(chapter_id) is None:  # reorders of this chapter's blocks queue up here
                raise NotFound("no such chapter", error_code="chapter_not_found")  # deleted meanwhile
            block = ContentBlock(
                chapter_id=chapter_id,
                kind=data.kind,
                title=data.title.strip(),
                body=data.body,
                body_html=render_markdown(data.body),
                recording_id=data.recording_id,
                quiz_id=data.quiz_id,
                due_at=data.due_at,
            )
            await repo.insert(block, data.position)
            return (await self._present(session, [block]))[0]

    async def list(self, claims: TokenClaims, chapter_id: uuid.UUID, limit: int, offset: int) -> BlockPage:
        """A page of the chapter's blocks: one statement, the account check included."""
        read = chapter_reads.block_page(self.ctx.reads, claims.sub, chapter_id, limit=limit, offset=offset)
        caller_row, facts, total, rows = await read_as(self.ctx, claims, read)
        may_study(check_account(claims, caller_row), facts, "chapter")
        items = [await self._from_row(row) for row in rows]
        return BlockPage(items=items, total=total, limit=limit, offset=offset)

    async def get(self, claims: TokenClaims, block_id: uuid.UUID) -> BlockOut:
        """One block: one statement, the account check included."""
        read = chapter_reads.block_detail(self.ctx.reads, claims.sub, block_id)
        caller_row, facts, row = await read_as(self.ctx, claims, read)
        may_study(check_account(claims, caller_row), facts, "block")
        assert row is not None  # the facts come from the block's own course
        return await self._from_row(row)

    async def _from_row(self, row: BlockRow) -> BlockOut:
        """A ``chapter_reads`` row as the body: its media presented as any viewer of the course sees it."""
        body = BlockOut(**{name: getattr(row, name) for name in BLOCK_FIELDS})
        if row.recording is not None:
            # as presented from a row before: a block's media names no piece of the catalogue
            view = msgspec.structs.replace(row.recording, piece_song=None)
            body.media = await present(self.ctx, view, None, VIEWER_PERMISSIONS)
        return body

    async def update(self, caller: User, block_id: uuid.UUID, data: BlockUpdate) -> BlockOut:
        async with self.ctx.sessions.begin() as session:
            block = await _authorized(session, caller, block_id, CourseAction.EDIT)
            recording_id = block.recording_id if data.recording_id is msgspec.UNSET else data.recording_id
            quiz_id = block.quiz_id if data.quiz_id is msgspec.UNSET else data.quiz_id
            if data.recording_id is not msgspec.UNSET or data.quiz_id is not msgspec.UNSET:
                await _check_fields(session, caller, block.kind, recording_id, quiz_id, block.chapter_id)
            repo = BlockRepository(session)
            await repo.lock_chapter(block.chapter_id)
            block = await _current(repo, block_id)
            block.recording_id, block.quiz_id = recording_id, quiz_id
            if data.title is not msgspec.UNSET:
                block.title = data.title.strip()
            if data.body is not msgspec.UNSET:
                block.body, block.body_html = data.body, render_markdown(data.body)
            if data.due_at is not msgspec.UNSET:
                block.due_at = data.due_at
            if data.position is not msgspec.UNSET:
                await repo.move(block, data.position)
            block.updated_at = utcnow()
            await session.flush()
            return (await self._present(session, [block]))[0]

    async def delete(self, caller: User, block_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            block = await _authorized(session, caller, block_id, CourseAction.EDIT)
            repo = BlockRepository(session)
            await repo.lock_chapter(block.chapter_id)
            await repo.remove(await _current(repo, block_id))

    async def _present(self, session: AsyncSession, blocks: list[ContentBlock]) -> list[BlockOut]:
        """The blocks' bodies, media blocks with their recording as a viewer sees it: the course's
        policy (``STUDY``) already let the caller read them, so its students get the media URLs."""
        recordings = await BlockRepository(session).recordings({b.recording_id for b in blocks if b.recording_id})
        out = []
        for block in blocks:
            body = block_out(block)
            recording = recordings.get(block.recording_id) if block.recording_id else None
            if recording is not None:
                body.media = await present(self.ctx, recording, None, VIEWER_PERMISSIONS)
            out.append(body)
        return out


async def _authorized(session: AsyncSession, caller: User, block_id: uuid.UUID, action: CourseAction) -> ContentBlock:
    found = await BlockRepository(session).with_context(block_id, caller.id)
    if found is None:
        raise NotFound("no such block", error_code="block_not_found")
    block, _, course, enrolled = found
    try:
        authorize_course(caller, course_facts(course, enrolled), action)
    except NotFound:
        raise NotFound("no such block", error_code="block_not_found") from None
    return block


async def _current(repo: BlockRepository, block_id: uuid.UUID) -> ContentBlock:
    block = await repo.get(block_id)
    if block is None:  # deleted by a concurrent request while we waited for the lock
        raise NotFound("no such block", error_code="block_not_found")
    return block


async def _check_fields(
    session: AsyncSession,
    caller: User,
    kind: str,
    recording_id: uuid.UUID | None,
    quiz_id: uuid.UUID | None,
    chapter_id: uuid.UUID,
) -> None:
    """Media blocks need a READY recording the caller may view; quiz blocks a quiz; others neither."""
    if kind in MEDIA_KINDS:
        if recording_id is None:
            raise ValidationFailed(f"a {kind} block needs a recording_id", error_code="recording_required")
        await _check_recording(session, caller, kind, recording_id)
    elif recording_id is not None:
        raise ValidationFailed(f"a {kind} block has no recording", error_code="recording_not_allowed")
    if kind == BlockKind.QUIZ and quiz_id is None:
        raise ValidationFailed("a quiz block needs a quiz_id", error_code="quiz_required")
    if kind != BlockKind.QUIZ and quiz_id is not None:
        raise ValidationFailed(f"a {kind} block has no quiz", error_code="quiz_not_allowed")
    if quiz_id is not None and not await quiz_in_chapters_course(session, quiz_id, chapter_id):
        raise ValidationFailed("no such quiz in this course", error_code="unknown_quiz")


async def _check_recording(session: AsyncSession, caller: User, kind: str, recording_id: uuid.UUID) -> None:
    recording = await RecordingRepository(session).get(recording_id)
    if recording is None or recording.status == RecordingStatus.DELETED:
        raise ValidationFailed("no such recording", error_code="unknown_recording")
    shared = recording.owner_id != caller.id and await ShareRepository(session).is_shared_with(recording_id, caller.id)
    facts = RecordingFacts(owner_id=recording.owner_id, is_public=recording.is_public, shared_with_caller=shared)
    if RecordingAction.VIEW not in recording_permissions(caller, facts):
        raise Forbidden("you may not use a recording you cannot view", error_code="recording_not_accessible")
    if recording.status != RecordingStatus.READY:
        raise ValidationFailed(f"the recording is {recording.status}, not ready", error_code="recording_not_ready")
    if kind != BlockKind.FILE and recording.media_kind not in (kind, BlockKind.VIDEO):
        raise ValidationFailed(f"a {kind} block needs {kind} media", error_code="recording_kind_mismatch")
