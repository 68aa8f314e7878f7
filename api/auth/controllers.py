"""``/api/v1/auth``: register, login, refresh, logout, e-mail verification, passwords."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.auth.caller import access_claims
from api.auth.guards import current_user, require_bearer_token
from api.auth.recovery import PasswordService
from api.auth.schemas import (
    Accepted,
    ChangePasswordRequest,
    ForgotPasswordRequest,
    LoginOut,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    ResetPasswordRequest,
    TokenPair,
    VerifyEmailRequest,
)
from api.auth.services import AuthService
from api.auth.verification import VerificationService
from api.context import AppContext
from api.ratelimit import client_ip
from api.auth.tokens import TokenClaims
from api.users.schemas import UserOut, user_out
from api.users.services import UserService, present_user
from storage.models.users import User

#: OpenAPI: these operations need no token (an empty requirement overrides the app-wide bearer one).
PUBLIC: list[dict[str, list[str]]] = [{}]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_201_CREATED, security=PUBLIC)
    async def register(self, request: Request, data: RegisterRequest, ctx: AppContext) -> UserOut:
        """Create an account (role student or teacher) and mail its verification link."""
        return user_out(await AuthService(ctx).register(data, ip=client_ip(request)))

    @post("/login", status_code=HTTP_200_OK, security=PUBLIC)
    async def login(self, request: Request, data: LoginRequest, ctx: AppContext) -> LoginOut:
        """Log in with e-mail or username; returns an access and a refresh token, and the account (``user``)."""
        pair, user = await AuthService(ctx).login(data.login, data.password, ip=client_ip(request))
        return LoginOut(**{f: getattr(pair, f) for f in pair.__struct_fields__}, user=await present_user(ctx, user))

    @get("/me", dependencies={"claims": Provide(access_claims, sync_to_thread=False)})
    async def me(self, ctx: AppContext, claims: TokenClaims) -> UserOut:
        """The signed-in account (the same body as ``GET /users/me``)."""
        return await UserService(ctx).own_account(claims)

    @post("/refresh", status_code=HTTP_200_OK, security=PUBLIC)
    async def refresh(self, data: RefreshRequest, ctx: AppContext) -> TokenPair:
        """Trade a refresh token for a new pair; each refresh token works once."""
        return await AuthService(ctx).refresh(data.refresh_token)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request, ctx: AppContext, data: LogoutRequest | None = None) -> None:
        """End the access token's session: the token, its refresh tokens and its other access tokens."""
        await AuthService(ctx).logout(require_bearer_token(request), data.refresh_token if data else None)

    @post("/verify", status_code=HTTP_204_NO_CONTENT, security=PUBLIC)
    async def verify(self, data: VerifyEmailRequest, ctx: AppContext) -> None:
        """Confirm the e-mail address with the mailed token (it works once, for 24 hours)."""
        await VerificationService(ctx).verify(data.token)

    @post("/verify/resend", status_code=HTTP_202_ACCEPTED)
    async def resend_verification(self, current_user: User, ctx: AppContext) -> Accepted:
        """Mail a new verification token; earlier ones stop working."""
        await VerificationService(ctx).resend(current_user)
        return Accepted(detail="a new verification mail is on its way")

    @post("/password/forgot", status_code=HTTP_202_ACCEPTED, security=PUBLIC)
    async def forgot_password(self, request: Request, data: ForgotPasswordRequest, ctx: AppContext) -> Accepted:
        """Mail a password-reset token (valid 1 hour) if the address has an account. Same answer either way."""
        await PasswordService(ctx).forgot(data.email, ip=client_ip(request))
        return Accepted(detail="if an account has this address, a reset mail is on its way")

    @post("/password/reset", status_code=HTTP_204_NO_CONTENT, security=PUBLIC)
    async def reset_password(self, request: Request, data: ResetPasswordRequest, ctx: AppContext) -> None:
        """Set a new password with the mailed token; every session of the account ends."""
        await PasswordService(ctx).reset(data.token, data.new_password, ip=client_ip(request))

    @post("/password/change", status_code=HTTP_200_OK)
    async def change_password(self, data: ChangePasswordRequest, current_user: User, ctx: AppContext) -> TokenPair:
        """Change the password; other sessions end, and the answer is this session's new token pair."""
        return await PasswordService(ctx).change(current_user, data.current_password, data.new_password)


__all__ = ["AuthController", "current_user"]
