"""Chapter and content-block bodies (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from api.courses.schemas import Title
from api.fields import text
from api.recordings.schemas import RecordingOut
from storage.models.learning import Chapter, ContentBlock

Description = Annotated[str, text(max_length=20000)]
Markdown = Annotated[str, text(max_length=200_000)]
Position = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
BlockKind = Literal["text", "video", "audio", "file", "quiz", "assignment"]


class ChapterCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    description: Description | None = None
    content: Markdown | None = None
    #: 1-based; absent or past the end: the chapter goes last.
    position: Position | None = None


class ChapterUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | None | msgspec.UnsetType = msgspec.UNSET
    content: Markdown | None | msgspec.UnsetType = msgspec.UNSET
    #: Move the chapter there (clamped to the course), shifting the others.
    position: Position | msgspec.UnsetType = msgspec.UNSET


class ChapterSummary(msgspec.Struct):
    id: uuid.UUID
    course_id: uuid.UUID
    position: int
    title: str
    description: str | None
    #: Whether the caller has completed it (false for anonymous callers).
    completed: bool


class ChapterPage(msgspec.Struct):
    items: list[ChapterSummary]
    total: int
    limit: int
    offset: int


class ChapterOut(msgspec.Struct):
    id: uuid.UUID
    course_id: uuid.UUID
    position: int
    title: str
    description: str | None
    #: Markdown as written; ``content_html`` is its sanitised HTML.
    content: str | None
    content_html: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def chapter_out(chapter: Chapter) -> ChapterOut:
    return ChapterOut(
        id=chapter.id,
        course_id=chapter.course_id,
        position=chapter.position,
        title=chapter.title,
        description=chapter.description,
        content=chapter.content,
        content_html=chapter.content_html,
        created_at=chapter.created_at,
        updated_at=chapter.updated_at,
    )


class BlockCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: BlockKind
    title: Title
    #: Markdown (text blocks; instructions of the others).
    body: Markdown | None = None
    #: video, audio and file blocks: a READY recording the teacher may view.
    recording_id: uuid.UUID | None = None
    #: quiz blocks.
    quiz_id: uuid.UUID | None = None
    due_at: dt.datetime | None = None
    position: Position | None = None


class BlockUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    body: Markdown | None | msgspec.UnsetType = msgspec.UNSET
    recording_id: uuid.UUID | None | msgspec.UnsetType = msgspec.UNSET
    quiz_id: uuid.UUID | None | msgspec.UnsetType = msgspec.UNSET
    due_at: dt.datetime | None | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET


class BlockOut(msgspec.Struct):
    id: uuid.UUID
    chapter_id: uuid.UUID
    position: int
    kind: str
    title: str
    body: str | None
    body_html: str | None
    recording_id: uuid.UUID | None
    quiz_id: uuid.UUID | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    #: A media block's recording as a viewer sees it (renditions and signed URLs), for whoever
    #: may read the block; ``null`` while it is not ready or after it was deleted.
    media: RecordingOut | None = None


class BlockPage(msgspec.Struct):
    items: list[BlockOut]
    total: int
    limit: int
    offset: int


def block_out(block: ContentBlock) -> BlockOut:
    return BlockOut(
        id=block.id,
        chapter_id=block.chapter_id,
        position=block.position,
        kind=block.kind,
        title=block.title,
        body=block.body,
        body_html=block.body_html,
        recording_id=block.recording_id,
        quiz_id=block.quiz_id,
        due_at=block.due_at,
        created_at=block.created_at,
        updated_at=block.updated_at,
    )
