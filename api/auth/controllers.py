"""POST /api/v1/auth/register|login|refresh|logout."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.auth.guards import bearer_token, current_user
from api.auth.schemas import LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, TokenPair
from api.auth.services import AuthService
from api.context import AppContext
from api.users.schemas import UserOut, user_out
from core.errors import Unauthorized
from storage.models.users import User


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_201_CREATED)
    async def register(self, data: RegisterRequest, ctx: AppContext) -> UserOut:
        """Create an account (role student or teacher)."""
        return user_out(await AuthService(ctx).register(data))

    @post("/login", status_code=HTTP_200_OK)
    async def login(self, data: LoginRequest, ctx: AppContext) -> TokenPair:
        """Log in with e-mail or username; returns an access and a refresh token."""
        return await AuthService(ctx).login(data.login, data.password)

    @post("/refresh", status_code=HTTP_200_OK)
    async def refresh(self, data: RefreshRequest, ctx: AppContext) -> TokenPair:
        """Trade a refresh token for a new pair; each refresh token works once."""
        return await AuthService(ctx).refresh(data.refresh_token)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request, ctx: AppContext, data: LogoutRequest | None = None) -> None:
        """Revoke the access token and, when given, its refresh-token family."""
        token = bearer_token(request)
        if token is None:
            raise Unauthorized("an access token is required (Authorization: Bearer …)")
        await AuthService(ctx).logout(token, data.refresh_token if data else None)


__all__ = ["AuthController", "User", "current_user"]
