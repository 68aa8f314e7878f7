"""Queue ``images``: render a profile photo uploaded through ``PUT /api/v1/users/me/photo``.

The message (``jobs.tasks.PhotoArgs``) names the user, the upload (its object key) and the
upload's ``photo_updated_at``: the upload is current while the user's photo is ``processing``
with that same timestamp. The flow (current uploads only, outputs under the row lock, the old
photo kept on failure, retries) is ``workers.image_uploads``'s; this module says where a profile
photo lives and announces the outcome to the user's live events.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.tasks import PROFILE_PHOTO, PhotoArgs
from pipelines.photo_render import PROFILE_PHOTO as PROFILE_PHOTO_IMAGE
from storage.models.users import User
from storage.objects.keys import user_key, user_photo_upload_key
from storage.repositories.users import UserRepository
from workers import image_uploads
from workers.events import publish
from workers.runtime import WorkerContext


class PhotoUpload(PhotoArgs, frozen=True):
    what: ClassVar[str] = "profile photo"
    task: ClassVar = PROFILE_PHOTO
    spec: ClassVar = PROFILE_PHOTO_IMAGE
    missing_code: ClassVar[str] = "photo_missing"

    @property
    def key(self) -> str:
        return user_photo_upload_key(self.user_id, self.upload_id)

    @property
    def subject_id(self) -> str:
        return str(self.user_id)

    @property
    def log_extra(self) -> dict[str, str]:
        return {"user_id": str(self.user_id)}

    async def load(self, session: AsyncSession, *, for_update: bool) -> User | None:
        users = UserRepository(session)
        return await (users.get_for_update(self.user_id) if for_update else users.get(self.user_id))

    def is_current(self, user: User | None) -> bool:
        return user is not None and user.photo_status == "processing" and user.photo_updated_at == self.token

    def outputs(self, user: User) -> tuple[str, str]:
        return user_key(user.id, "profile.jpg"), user_key(user.id, "profile_thumb.jpg")

    def settle(self, user: User, error_code: str | None) -> None:
        user.photo_status, user.photo_error_code = ("ready", None) if error_code is None else ("failed", error_code)

    def next_attempt(self) -> PhotoArgs:
        return PhotoArgs(self.user_id, self.upload_id, self.token, self.attempt + 1)

    async def announce(self, ctx: WorkerContext, status: str, error_code: str | None) -> None:
        event = {"status": status, "error_code": error_code}
        await publish(ctx.redis, self.user_id, f"profile_photo.{status}", event)


async def profile_photo(args: PhotoArgs) -> None:
    """The handler (``workers.image_uploads.process``)."""
    await image_uploads.process(PhotoUpload(args.user_id, args.upload_id, args.token, args.attempt))
