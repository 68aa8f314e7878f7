"""Account administration. Every action is logged with the acting admin's id (an audit trail).

Admins are made by an admin (here, or ``python -m api.cli create-admin``). An admin can neither
deactivate nor demote themselves, so the acting admin always remains one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.schemas import AdminUserOut, AdminUserPage, AdminUserUpdate, admin_user_out
from api.context import AppContext
from api.users.services import photo_links
from core.errors import Conflict, Forbidden, NotFound
from core.ids import utcnow
from storage.models.users import Role, User
from storage.repositories.users import RefreshTokenRepository, UserRepository

log = logging.getLogger("cadenza.admin")

#: A change applied to the locked user row inside the action's transaction.
Change = Callable[[AsyncSession, User], Awaitable[None]]


async def require_admin(current_user: User) -> User:
    """Dependency ``admin``: the caller, if an administrator (401 before this for anonymous callers)."""
    if current_user.role != Role.ADMIN:
        raise Forbidden("this needs an administrator", error_code="admin_required")
    return current_user


class AdminService:
    def __init__(self, ctx: AppContext, admin: User) -> None:
        self.ctx = ctx
        self.admin = admin

    async def list(
        self, *, q: str | None, role: str | None, active: bool | None, limit: int, offset: int
    ) -> AdminUserPage:
        async with self.ctx.sessions() as session:
            rows, total = await UserRepository(session).search(
                q=(q or "").strip() or None, role=role, active=active, limit=limit, offset=offset
            )
        items = [admin_user_out(user, await photo_links(self.ctx, user)) for user in rows]
        return AdminUserPage(items=items, total=total, limit=limit, offset=offset)

    async def get(self, user_id: uuid.UUID) -> AdminUserOut:
        async with self.ctx.sessions() as session:
            user = await UserRepository(session).get(user_id)
        if user is None:
            raise _not_found()
        return await self._out(user)

    async def deactivate(self, user_id: uuid.UUID) -> AdminUserOut:
        """Sign the user out everywhere: refresh tokens are revoked, and access tokens stop working
        at once because every request checks that the account is active, and for good (a
        reactivation does not revive them) because the session version moves on."""
        if user_id == self.admin.id:
            raise Conflict("you cannot deactivate your own account", error_code="cannot_deactivate_self")

        async def change(session: AsyncSession, user: User) -> None:
            now = utcnow()
            if user.is_active:
                user.is_active = False
                user.deactivated_at = now
            user.session_version += 1
            await RefreshTokenRepository(session).revoke_all_for_user(user.id, now)

        return await self._apply(user_id, "deactivate", change)

    async def reactivate(self, user_id: uuid.UUID) -> AdminUserOut:
        async def change(_: AsyncSession, user: User) -> None:
            user.is_active = True
            user.deactivated_at = None

        return await self._apply(user_id, "reactivate", change)

    async def verify_email(self, user_id: uuid.UUID) -> AdminUserOut:
        async def change(_: AsyncSession, user: User) -> None:
            user.email_verified = True

        return await self._apply(user_id, "verify_email", change)

    async def update(self, user_id: uuid.UUID, data: AdminUserUpdate) -> AdminUserOut:
        role = data.role
        if role is msgspec.UNSET:
            return await self.get(user_id)
        if user_id == self.admin.id and role != self.admin.role:
            raise Conflict("you cannot change your own role", error_code="cannot_change_own_role")

        async def change(_: AsyncSession, user: User) -> None:
            user.role = role

        return await self._apply(user_id, f"set_role:{role}", change)

    async def _apply(self, user_id: uuid.UUID, action: str, change: Change) -> AdminUserOut:
        async with self.ctx.sessions.begin() as session:
            user = await UserRepository(session).get_for_update(user_id)
            if user is None:
                raise _not_found()
            await change(session, user)
            await session.flush()
            await session.refresh(user)
        log.info("admin action", extra={"action": action, "admin_id": str(self.admin.id), "user_id": str(user_id)})
        return await self._out(user)

    async def _out(self, user: User) -> AdminUserOut:
        return admin_user_out(user, await photo_links(self.ctx, user))


def _not_found() -> NotFound:
    return NotFound("no such user", error_code="user_not_found")
