"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from api.fields import line, text
from api.users.schemas import UserOut
from core.account_tokens import MAX_TOKEN_LENGTH

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Username = Annotated[str, msgspec.Meta(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Password = Annotated[str, line(min_length=8, max_length=128)]
Instrument = Annotated[str, line(min_length=1, max_length=40)]
ExperienceLevel = Literal["beginner", "intermediate", "advanced", "professional"]
#: A mailed token (ours are 43 URL-safe characters; anything else is simply unknown).
MailedToken = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TOKEN_LENGTH)]


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    username: Username
    password: Password
    role: Literal["student", "teacher"] = "student"
    display_name: Annotated[str, line(max_length=120)] | None = None
    bio: Annotated[str, text(max_length=2000)] | None = None
    instruments: Annotated[list[Instrument], msgspec.Meta(max_length=20)] = []
    experience_level: ExperienceLevel | None = None


class LoginRequest(msgspec.Struct):
    """``login`` is an e-mail address or a username."""

    login: Annotated[str, line(min_length=1, max_length=320)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class RefreshRequest(msgspec.Struct):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class LogoutRequest(msgspec.Struct):
    refresh_token: Annotated[str, msgspec.Meta(max_length=4096)] | None = None


class VerifyEmailRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: MailedToken


class ForgotPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetPasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: MailedToken
    new_password: Password


class ChangePasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    new_password: Password


class TokenPair(msgspec.Struct):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = 0


class LoginOut(TokenPair):
    """The login answer: the token pair and, beside it, the account it signs in."""

    user: UserOut | None = None


class Accepted(msgspec.Struct):
    """The answer of endpoints that send mail (the mail itself goes out asynchronously)."""

    detail: str
