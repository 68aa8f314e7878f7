"""Passwords end to end: forgot → mailed token → reset (once); change; every 4xx of these endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import BASE_URL
from tests.api.mail import InlineMailbox
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import error, expire_tokens, identity, me, refresh
from tests.e2e.mailbox import bodies, mailed_token

pytestmark = pytest.mark.api

NEW_PASSWORD = "a-brand-new-passphrase"


def _forgot(api: Api, email: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/password/forgot", json={"email": email})


def _reset(api: Api, token: str, new_password: str = NEW_PASSWORD) -> httpx.Response:
    return api.http.post("/api/v1/auth/password/reset", json={"token": token, "new_password": new_password})


def _change(api: Api, account: Account, current: str, new: str = NEW_PASSWORD) -> httpx.Response:
    body = {"current_password": current, "new_password": new}
    return api.http.post("/api/v1/auth/password/change", headers=account.headers, json=body)


def _login(api: Api, login: str, password: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/login", json={"login": login, "password": password})


def _reset_mail(mailbox: InlineMailbox, account: Account, count: int = 1) -> Any:  # noqa: ANN401
    mails = [m for m in mailbox.wait_for(account.email, count=count + 1) if "password" in m["Subject"]]
    assert len(mails) >= count, [m["Subject"] for m in mails]
    return mails[count - 1]


# --- forgot and reset --------------------------------------------------------------------------


def test_forgot_and_reset(api: Api, account: Account, mailbox: InlineMailbox) -> None:
    # Given a user with two sessions
    other = api.login(account.username, account.password)

    # When they ask for a reset (any case of their address)
    r = _forgot(api, account.email.upper())
    assert r.status_code == 202, r.text

    # Then a mail with a one-hour token arrives
    message = _reset_mail(mailbox, account)
    assert message["Subject"] == "Reset your Cadenza password"
    text, html = bodies(message)
    token = mailed_token(message)
    link = f"{BASE_URL}/reset-password?token={token}"
    assert link in text and link in html and "60 minutes" in text

    # When the token is used
    r = _reset(api, token)
    assert r.status_code == 204, r.text

    # Then it works once
    error(_reset(api, token, "yet-another-password"), 400, "reset_token_used")
    # And the old password is refused, the new one accepted
    error(_login(api, account.username, account.password), 401, "invalid_credentials")
    fresh = _login(api, account.username, NEW_PASSWORD)
    assert fresh.status_code == 200, fresh.text
    # And every session from before is over
    for session in ({"access_token": account.access_token, "refresh_token": account.refresh_token}, other):
        error(me(api, session["access_token"]), 401, "token_revoked")
        error(refresh(api, session["refresh_token"]), 401, "token_revoked")
    # And the mailbox is proven, so the address counts as verified
    assert me(api, fresh.json()["access_token"]).json()["email_verified"] is True


def test_forgot_answers_alike_for_unknown_addresses(api: Api, account: Account, mailbox: InlineMailbox) -> None:
    _, unknown = identity("ghost")
    r_unknown, r_known = _forgot(api, unknown), _forgot(api, account.email)
    assert (r_unknown.status_code, r_unknown.json()) == (r_known.status_code, r_known.json()) == (202, r_known.json())
    _reset_mail(mailbox, account)
    assert mailbox.to(unknown) == []


def test_a_new_reset_mail_replaces_the_previous_token(api: Api, account: Account, mailbox: InlineMailbox) -> None:
    assert _forgot(api, account.email).status_code == 202
    first = mailed_token(_reset_mail(mailbox, account, 1))
    assert _forgot(api, account.email).status_code == 202
    second = mailed_token(_reset_mail(mailbox, account, 2))
    error(_reset(api, first), 400, "reset_token_invalid")
    assert _reset(api, second).status_code == 204


def test_reset_errors(api: Api, account: Account, mailbox: InlineMailbox, base_env: dict[str, str]) -> None:
    [verification] = mailbox.wait_for(account.email)
    error(_reset(api, "A" * 43), 400, "reset_token_invalid")
    # A verification token is not a reset token, nor the reverse
    error(_reset(api, mailed_token(verification)), 400, "reset_token_invalid")
    assert _forgot(api, account.email).status_code == 202
    token = mailed_token(_reset_mail(mailbox, account))
    error(api.http.post("/api/v1/auth/verify", json={"token": token}), 400, "verification_token_invalid")
    # Bad bodies
    error(_reset(api, token, "short"), 422, "validation_error")
    error(_reset(api, token, "x" * 129), 422, "validation_error")
    error(_reset(api, "", NEW_PASSWORD), 422, "validation_error")
    error(api.http.post("/api/v1/auth/password/reset", json={"token": token}), 422, "validation_error")
    error(_forgot(api, "not-an-address"), 422, "validation_error")
    error(api.http.post("/api/v1/auth/password/forgot", json={}), 422, "validation_error")
    # An expired token
    expire_tokens(base_env["DATABASE_URL"], account.id)
    error(_reset(api, token), 400, "reset_token_expired")
    assert _login(api, account.username, account.password).status_code == 200


# --- change --------------------------------------------------------------------------------------


def test_change_password_keeps_this_session_and_ends_the_others(api: Api, account: Account) -> None:
    other = api.login(account.username, account.password)

    r = _change(api, account, account.password)
    assert r.status_code == 200, r.text
    pair = r.json()

    # This session goes on with the new pair
    assert me(api, pair["access_token"]).status_code == 200
    assert refresh(api, pair["refresh_token"]).status_code == 200
    # Tokens issued before the change no longer work, this session's included
    error(me(api, account.access_token), 401, "token_revoked")
    error(me(api, other["access_token"]), 401, "token_revoked")
    error(refresh(api, other["refresh_token"]), 401, "token_revoked")
    error(refresh(api, account.refresh_token), 401, "token_revoked")
    # The old password is refused, the new one accepted
    error(_login(api, account.username, account.password), 401, "invalid_credentials")
    assert _login(api, account.username, NEW_PASSWORD).status_code == 200


def test_change_password_errors(api: Api, account: Account) -> None:
    error(_change(api, account, "not-my-password"), 403, "invalid_credentials")
    error(_change(api, account, account.password, account.password), 422, "password_unchanged")
    error(_change(api, account, account.password, "short"), 422, "validation_error")
    error(_change(api, account, "", NEW_PASSWORD), 422, "validation_error")
    body = {"current_password": account.password, "new_password": NEW_PASSWORD}
    error(api.http.post("/api/v1/auth/password/change", json=body), 401, "not_authenticated")
    # None of these changed anything
    assert me(api, account.access_token).status_code == 200
    assert _login(api, account.username, account.password).status_code == 200
