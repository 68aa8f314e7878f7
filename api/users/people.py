"""Finding people to share with or link to: the teacher directory and the exact username lookup.

Any signed-in user may look; only public profiles are shown (no e-mail, no activity), and a
deactivated account is never found.
"""

from __future__ import annotations

import uuid

import msgspec

from api.context import AppContext
from api.users.schemas import PublicUserOut, public_user_out
from api.users.services import photo_links
from core.errors import NotFound, ValidationFailed
from storage.models.users import User
from storage.repositories.people import PeopleRepository


class TeacherPage(msgspec.Struct):
    items: list[PublicUserOut]
    total: int
    limit: int
    offset: int


class PeopleService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def teachers(self, *, instrument: str | None, q: str | None, limit: int, offset: int) -> TeacherPage:
        async with self.ctx.sessions() as session:
            rows, total = await PeopleRepository(session).teachers(
                instrument=instrument, q=q, limit=limit, offset=offset
            )
        items = [public_user_out(user, await photo_links(self.ctx, user)) for user in rows]
        return TeacherPage(items=items, total=total, limit=limit, offset=offset)

    async def lookup(self, username: str) -> PublicUserOut:
        user = await find_by_username(self.ctx, username)
        return public_user_out(user, await photo_links(self.ctx, user))


async def find_by_username(ctx: AppContext, username: str) -> User:
    """The active user called ``username`` (any case); 404 ``user_not_found`` otherwise."""
    async with ctx.sessions() as session:
        user = await PeopleRepository(session).active_by_username(username)
    if user is None:
        raise NotFound("no such user", error_code="user_not_found")
    return user


async def resolve_user_ref(ctx: AppContext, user_id: uuid.UUID | None, username: str | None) -> uuid.UUID:
    """The id a body names by ``user_id`` or by ``username`` (exactly one of them; 422 otherwise)."""
    if (user_id is None) == (username is None):
        raise ValidationFailed("give exactly one of user_id or username", error_code="validation_error")
    if user_id is not None:
        return user_id
    assert username is not None  # noqa: S101 - checked just above
    return (await find_by_username(ctx, username)).id
