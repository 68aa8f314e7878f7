"""/api/v1/chapters and /api/v1/blocks: a chapter's content, order, neighbours, completion and blocks."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.chapters.blocks import BlockService
from api.chapters.schemas import BlockCreate, BlockOut, BlockPage, BlockUpdate, ChapterOut, ChapterUpdate
from api.chapters.services import ChapterService
from api.context import AppContext
from api.fields import Limit, Offset
from api.learning.progress import ProgressService
from api.learning.schemas import ProgressOut
from storage.models.users import User

#: One-statement reads check the account on their own row (``api.auth.caller``).
_CLAIMS = {"claims": Provide(access_claims, sync_to_thread=False)}


class ChaptersController(Controller):
    path = "/api/v1/chapters"
    tags = ["courses"]

    @get("/{chapter_id:uuid}", dependencies=_CLAIMS)
    async def get_chapter(self, chapter_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ChapterOut:
        """The chapter with its content (enrolled students, the course's teacher, admins; one statement)."""
        return await ChapterService(ctx).get(claims, chapter_id)

    @patch("/{chapter_id:uuid}")
    async def update_chapter(
        self, chapter_id: uuid.UUID, data: ChapterUpdate, ctx: AppContext, current_user: User
    ) -> ChapterOut:
        """Edit; ``position`` moves the chapter and shifts the ones between."""
        return await ChapterService(ctx).update(current_user, chapter_id, data)

    @delete("/{chapter_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_chapter(self, chapter_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete with its blocks; the chapters after it move up one."""
        await ChapterService(ctx).delete(current_user, chapter_id)

    @get("/{chapter_id:uuid}/next", dependencies=_CLAIMS)
    async def next_chapter(self, chapter_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ChapterOut:
        """The following chapter; 404 ``no_next_chapter`` after the last."""
        return await ChapterService(ctx).neighbour(claims, chapter_id, 1)

    @get("/{chapter_id:uuid}/previous", dependencies=_CLAIMS)
    async def previous_chapter(self, chapter_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ChapterOut:
        """The preceding chapter; 404 ``no_previous_chapter`` before the first."""
        return await ChapterService(ctx).neighbour(claims, chapter_id, -1)

    @post("/{chapter_id:uuid}/complete", status_code=HTTP_200_OK)
    async def complete(self, chapter_id: uuid.UUID, ctx: AppContext, current_user: User) -> ProgressOut:
        """Mark the chapter complete (enrolled students; again is harmless); answers the course's progress."""
        return await ProgressService(ctx).complete(current_user, chapter_id)

    @post("/{chapter_id:uuid}/blocks", status_code=HTTP_201_CREATED)
    async def create_block(
        self, chapter_id: uuid.UUID, data: BlockCreate, ctx: AppContext, current_user: User
    ) -> BlockOut:
        """Add a block at ``position`` (default: last)."""
        return await BlockService(ctx).create(current_user, chapter_id, data)

    @get("/{chapter_id:uuid}/blocks", dependencies=_CLAIMS)
    async def list_blocks(
        self, chapter_id: uuid.UUID, ctx: AppContext, claims: TokenClaims, limit: Limit = 50, offset: Offset = 0
    ) -> BlockPage:
        """The chapter's blocks in order (one statement)."""
        return await BlockService(ctx).list(claims, chapter_id, limit, offset)


class BlocksController(Controller):
    path = "/api/v1/blocks"
    tags = ["courses"]

    @get("/{block_id:uuid}", dependencies=_CLAIMS)
    async def get_block(self, block_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> BlockOut:
        """One block (one statement)."""
        return await BlockService(ctx).get(claims, block_id)

    @patch("/{block_id:uuid}")
    async def update_block(
        self, block_id: uuid.UUID, data: BlockUpdate, ctx: AppContext, current_user: User
    ) -> BlockOut:
        """Edit; ``position`` moves the block inside its chapter."""
        return await BlockService(ctx).update(current_user, block_id, data)

    @delete("/{block_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_block(self, block_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete; the blocks after it move up one."""
        await BlockService(ctx).delete(current_user, block_id)
