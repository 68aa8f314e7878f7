"""Queue ``images``: render an album cover uploaded through ``PUT /api/v1/albums/{id}/cover``.

The message (``jobs.tasks.CoverArgs``) names the album, the upload and the album's
``cover_updated_at`` when it was accepted: the upload is current while the album's cover is
``processing`` with that same timestamp (a newer upload, a removal or the album's deletion change
that). The flow is ``workers.image_uploads``'s, as for profile photos: ``cover.jpg`` and
``cover_thumb.jpg`` and then ``cover_key`` are written under the album's row lock, and a bad image
fails (``cover_status`` ``failed``, ``cover_error_code``) leaving the served cover.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.tasks import ALBUM_COVER, CoverArgs
from pipelines.photo_render import ALBUM_COVER_IMAGE
from storage.models.library import Album
from storage.objects.keys import album_cover_upload_key, album_key
from storage.repositories.library import LibraryRepository
from workers import image_uploads
from workers.runtime import WorkerContext


class CoverUpload(CoverArgs, frozen=True):
    what: ClassVar[str] = "album cover"
    task: ClassVar = ALBUM_COVER
    spec: ClassVar = ALBUM_COVER_IMAGE
    missing_code: ClassVar[str] = "cover_missing"

    @property
    def key(self) -> str:
        return album_cover_upload_key(self.album_id, self.upload_id)

    @property
    def subject_id(self) -> str:
        return str(self.album_id)

    @property
    def log_extra(self) -> dict[str, str]:
        return {"album_id": str(self.album_id)}

    async def load(self, session: AsyncSession, *, for_update: bool) -> Album | None:
        return await LibraryRepository(session).get(Album, self.album_id, for_update=for_update)

    def is_current(self, album: Album | None) -> bool:
        return album is not None and album.cover_status == "processing" and album.cover_updated_at == self.token

    def outputs(self, album: Album) -> tuple[str, str]:
        return album_key(album.id, "cover.jpg"), album_key(album.id, "cover_thumb.jpg")

    def settle(self, album: Album, error_code: str | None) -> None:
        if error_code is None:
            album.cover_key, album.cover_status, album.cover_error_code = album_key(album.id, "cover.jpg"), "ready", None
        else:
            album.cover_status, album.cover_error_code = "failed", error_code

    def next_attempt(self) -> CoverArgs:
        return CoverArgs(self.album_id, self.upload_id, self.token, self.attempt + 1)

    async def announce(self, ctx: WorkerContext, status: str, error_code: str | None) -> None:
        """Nobody listens for covers: clients read the album's ``cover_status``."""


async def album_cover(args: CoverArgs) -> None:
    """The handler (``workers.image_uploads.process``)."""
    await image_uploads.process(CoverUpload(args.album_id, args.upload_id, args.token, args.attempt))
