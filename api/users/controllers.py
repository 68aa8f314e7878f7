"""/api/v1/users: the caller's account and profile photo, and other users' public profiles."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, delete, get, patch, put
from litestar.di import Provide
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset, line
from api.uploads import FormBody
from api.users.people import PeopleService, TeacherPage
from api.users.photo import PhotoService
from api.users.schemas import PublicUserOut, UserOut, UserUpdate
from api.users.services import UserService, present_user
from storage.models.users import User


SearchText = Annotated[str | None, Parameter(max_length=100, pattern=line().pattern, description="search text")]
UsernameQuery = Annotated[str, Parameter(min_length=1, max_length=40, pattern=line().pattern)]


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    dependencies = {"claims": Provide(access_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @get("/me")
    async def me(self, ctx: AppContext, claims: TokenClaims) -> UserOut:
        """The caller's own account, with profile and photo URLs, and usage beside its quotas."""
        return await UserService(ctx).own_account(claims)

    @patch("/me")
    async def update_me(self, data: UserUpdate, ctx: AppContext, current_user: User) -> UserOut:
        """Change display name, bio, instruments or experience level (``null`` clears a field)."""
        return await UserService(ctx).update_me(current_user, data)

    @put(
        "/me/photo",
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=None,  # MAX_PHOTO_BYTES is enforced while streaming
        summary="Upload a profile photo (multipart/form-data: file; JPEG, PNG, WebP or GIF, at most 10 MiB)",
    )
    async def upload_photo(self, request: Request, ctx: AppContext, current_user: User) -> UserOut:
        """Replace the profile photo; it is rendered in the background (``photo_status``)."""
        user = await PhotoService(ctx).upload(FormBody.of(request), current_user)
        return await present_user(ctx, user)

    @delete("/me/photo", status_code=HTTP_204_NO_CONTENT)
    async def delete_photo(self, ctx: AppContext, current_user: User) -> None:
        """Remove the profile photo."""
        await PhotoService(ctx).delete(current_user)

    @get("/{user_id:uuid}")
    async def profile(self, user_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> PublicUserOut:
        """Another user's public profile (no e-mail, no activity); 404 for deactivated accounts.

        Any signed-in user may look (``claims`` makes anonymous callers a 401).
        """
        return await UserService(ctx).public_profile(claims, user_id)

    @get("/teachers")
    async def teachers(
        self,
        ctx: AppContext,
        current_user: User,
        instrument: SearchText = None,
        q: SearchText = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> TeacherPage:
        """Active teachers by username; ``instrument`` (any case) and ``q`` (part of a name) narrow it."""
        return await PeopleService(ctx).teachers(instrument=instrument, q=q, limit=limit, offset=offset)

    @get("/lookup")
    async def lookup(self, ctx: AppContext, current_user: User, username: UsernameQuery) -> PublicUserOut:
        """The active user with exactly this username (any case), or 404 ``user_not_found``."""
        return await PeopleService(ctx).lookup(username)
