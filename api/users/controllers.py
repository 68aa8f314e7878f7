"""GET /api/v1/users/me."""

from __future__ import annotations

from litestar import Controller, get

from api.users.schemas import UserOut, user_out
from storage.models.users import User


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]

    @get("/me")
    async def me(self, current_user: User) -> UserOut:
        """The caller's own account."""
        return user_out(current_user)
