"""/api/v1/admin/users: account administration (role ``admin`` only: 403 ``admin_required``)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK

from api.admin.schemas import AdminUserOut, AdminUserPage, AdminUserUpdate, RoleName, SearchText
from api.admin.services import AdminService, require_admin
from api.context import AppContext
from api.fields import Limit, Offset
from storage.models.users import User


class AdminUsersController(Controller):
    path = "/api/v1/admin/users"
    tags = ["admin"]
    dependencies = {"admin": Provide(require_admin)}

    @get("/")
    async def list_users(
        self,
        ctx: AppContext,
        admin: User,
        q: SearchText = None,
        role: RoleName | None = None,
        active: bool | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> AdminUserPage:
        """Search accounts by e-mail, username or display name (any case), newest first."""
        return await AdminService(ctx, admin).list(q=q, role=role, active=active, limit=limit, offset=offset)

    @get("/{user_id:uuid}")
    async def get_user(self, user_id: uuid.UUID, ctx: AppContext, admin: User) -> AdminUserOut:
        """One account, as an administrator sees it."""
        return await AdminService(ctx, admin).get(user_id)

    @patch("/{user_id:uuid}")
    async def update_user(
        self, user_id: uuid.UUID, data: AdminUserUpdate, ctx: AppContext, admin: User
    ) -> AdminUserOut:
        """Change the role (student, teacher, admin); not your own."""
        return await AdminService(ctx, admin).update(user_id, data)

    @post("/{user_id:uuid}/deactivate", status_code=HTTP_200_OK)
    async def deactivate(self, user_id: uuid.UUID, ctx: AppContext, admin: User) -> AdminUserOut:
        """Block the account and end its sessions at once; not your own (409)."""
        return await AdminService(ctx, admin).deactivate(user_id)

    @post("/{user_id:uuid}/reactivate", status_code=HTTP_200_OK)
    async def reactivate(self, user_id: uuid.UUID, ctx: AppContext, admin: User) -> AdminUserOut:
        """Let the account sign in again."""
        return await AdminService(ctx, admin).reactivate(user_id)

    @post("/{user_id:uuid}/verify", status_code=HTTP_200_OK)
    async def verify(self, user_id: uuid.UUID, ctx: AppContext, admin: User) -> AdminUserOut:
        """Mark the account's e-mail address as verified."""
        return await AdminService(ctx, admin).verify_email(user_id)
