"""``GET|POST /verify`` and ``GET|POST /reset-password``: the pages behind the mailed links.

Opening a link changes nothing (mail scanners fetch links): the page shows a form, and only its
POST spends the token, through the same services as ``POST /api/v1/auth/verify`` and
``/password/reset``. Errors are shown on the page with the API's message, never a 404 or a 500.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from api.auth.recovery import PasswordService
from api.auth.verification import VerificationService
from api.context import AppContext
from api.pages.html import e, hidden_token, message, page
from api.ratelimit import client_ip
from core.account_tokens import MAX_TOKEN_LENGTH
from core.errors import CadenzaError

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
MIN_PASSWORD, MAX_PASSWORD = 8, 128


def _token(raw: str | None) -> str | None:
    token = (raw or "").strip()
    return token if 0 < len(token) <= MAX_TOKEN_LENGTH else None


def _incomplete(title: str) -> Response[str]:
    text = "This link is incomplete or damaged. Copy the whole link from the mail, or ask for a new mail in the app."
    return message(title, text, status=400, error=True)


def _refused(title: str, exc: CadenzaError) -> Response[str]:
    """The API's own message and status (a rate limit keeps its ``Retry-After``)."""
    return message(title, exc.detail, status=exc.status_code, error=True, headers=exc.headers)


def _reset_form(token: str, error: str | None = None, *, status: int = 200) -> Response[str]:
    problem = f'<p class="error">{e(error)}</p>' if error else ""
    return page(
        "Choose a new password",
        f"""{problem}<form method="post" action="/reset-password">{hidden_token(token)}
<label>New password<input type="password" name="new_password" minlength="{MIN_PASSWORD}"
 maxlength="{MAX_PASSWORD}" autocomplete="new-password" required></label>
<label>Repeat it<input type="password" name="confirm" autocomplete="new-password" required></label>
<button type="submit">Set the new password</button></form>""",
        status=status,
    )


class PagesController(Controller):
    include_in_schema = False

    @get("/verify", security=[{}])
    async def verify_page(self, token: str | None = None) -> Response[str]:
        if (checked := _token(token)) is None:
            return _incomplete("Confirm your e-mail address")
        return page(
            "Confirm your e-mail address",
            f"""<form method="post" action="/verify">{hidden_token(checked)}
<button type="submit">Confirm my address</button></form>""",
        )

    @post("/verify", status_code=200, security=[{}])
    async def verify(self, data: Form, ctx: AppContext) -> Response[str]:
        title = "Confirm your e-mail address"
        if (token := _token(data.get("token"))) is None:
            return _incomplete(title)
        try:
            await VerificationService(ctx).verify(token)
        except CadenzaError as exc:
            return _refused(title, exc)
        return message("Address confirmed", "Thank you: your e-mail address is confirmed. You can close this page.")

    @get("/reset-password", security=[{}])
    async def reset_page(self, token: str | None = None) -> Response[str]:
        if (checked := _token(token)) is None:
            return _incomplete("Choose a new password")
        return _reset_form(checked)

    @post("/reset-password", status_code=200, security=[{}])
    async def reset(self, request: Request, data: Form, ctx: AppContext) -> Response[str]:
        if (token := _token(data.get("token"))) is None:
            return _incomplete("Choose a new password")
        password = data.get("new_password", "")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD or any(ord(c) < 32 or ord(c) == 127 for c in password):
            problem = f"The password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters (no control characters)."
            return _reset_form(token, problem, status=422)
        if password != data.get("confirm", ""):
            return _reset_form(token, "The two passwords differ.", status=422)
        try:
            await PasswordService(ctx).reset(token, password, ip=client_ip(request))
        except CadenzaError as exc:
            return _refused("Choose a new password", exc)
        text = "Your new password is set, and every session of your account has ended. Sign in again in the app."
        return message("Password changed", text)
