"""Account life cycle end to end, with mail delivered to a real SMTP server: register, verify,
log in, refresh, log out; refresh-token reuse; the token matrix; verification errors."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest

from tests.conftest import TEST_SECRET
from tests.api.conftest import BASE_URL
from tests.api.mail import InlineMailbox
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import (
    PASSWORD,
    bearer,
    claims,
    error,
    expire_tokens,
    identity,
    me,
    refresh,
    register,
    sql,
)
from tests.e2e.mailbox import TEMPFAIL_PREFIX, bodies, mailed_token

pytestmark = pytest.mark.api


def _verify(api: Api, token: str) -> Any:  # noqa: ANN401
    return api.http.post("/api/v1/auth/verify", json={"token": token})


def _login(api: Api, login: str, password: str = PASSWORD) -> dict[str, Any]:
    r = api.http.post("/api/v1/auth/login", json={"login": login, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


# --- the whole life cycle ---------------------------------------------------------------------


def test_register_mail_verify_login_refresh_logout(api: Api, mailbox: InlineMailbox) -> None:
    # Given a new account
    r, sent = register(api, display_name="Clara Wieck")
    assert r.status_code == 201, r.text
    assert r.json()["email_verified"] is False

    # Then its verification mail arrives, with a text and an HTML body, the link and the token
    [message] = mailbox.wait_for(sent["email"])
    assert message["Subject"] == "Confirm your e-mail address for Cadenza"
    assert sent["email"] in message["To"] and "Clara Wieck" in message["To"]
    assert "no-reply@" in message["From"]
    text, html = bodies(message)
    token = mailed_token(message)
    assert len(token) == 43
    link = f"{BASE_URL}/verify?token={token}"
    assert link in text and link in html and token in html
    assert PASSWORD not in text + html

    # When the token is presented
    assert _verify(api, token).status_code == 204
    # Then the address is verified, and the token does not work twice
    error(_verify(api, token), 400, "verification_token_used")

    # When the user logs in and refreshes
    first = _login(api, sent["username"])
    assert me(api, first["access_token"]).json()["email_verified"] is True
    r = refresh(api, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert me(api, second["access_token"]).status_code == 200

    # And logs out with the access token alone
    r = api.http.post("/api/v1/auth/logout", headers=bearer(second["access_token"]))
    assert r.status_code == 204, r.text

    # Then every token of that session is refused
    error(me(api, second["access_token"]), 401, "token_revoked")
    error(me(api, first["access_token"]), 401, "token_revoked")  # an older access token of the session
    error(refresh(api, second["refresh_token"]), 401, "token_revoked")
    error(refresh(api, first["refresh_token"]), 401)
    # And logging in again works
    assert me(api, _login(api, sent["email"])["access_token"]).status_code == 200


def test_access_token_names_its_session(api: Api, account: Account) -> None:
    access, refresh_ = claims(account.access_token), claims(account.refresh_token)
    assert access["fam"] == refresh_["fam"] and uuid.UUID(hex=access["fam"])
    assert {"sub", "role", "jti", "iat", "exp", "type", "fam"} <= access.keys()


def test_registration_keeps_profile_fields(api: Api, base_env: dict[str, str]) -> None:
    long_password = "p" * 64 + "ß" * 64  # 128 characters
    r, _ = register(
        api,
        password=long_password,
        role="teacher",
        bio="Piano teacher.\nLoves Schumann.",
        instruments=["piano", "organ"],
        experience_level="professional",
    )
    assert r.status_code == 201, r.text
    [row] = sql(
        base_env["DATABASE_URL"],
        "SELECT role, bio, instruments, experience_level FROM users WHERE id = $1",
        uuid.UUID(r.json()["id"]),
    )
    assert tuple(row) == ("teacher", "Piano teacher.\nLoves Schumann.", ["piano", "organ"], "professional")
    assert _login(api, r.json()["username"], long_password)["access_token"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"password": "x" * 7},
        {"password": "x" * 129},
        {"role": "admin"},
        {"bio": "b" * 2001},
        {"instruments": [f"i{n}" for n in range(21)]},
        {"instruments": ["x" * 41]},
        {"instruments": [""]},
        {"experience_level": "expert"},
        {"display_name": "x" * 121},
    ],
    ids=[
        "password-7",
        "password-129",
        "admin",
        "bio-2001",
        "21-instruments",
        "long-instrument",
        "empty-instrument",
        "bad-level",
        "long-name",
    ],
)
def test_bad_registration_is_refused(api: Api, overrides: dict[str, Any]) -> None:
    error(register(api, **overrides)[0], 422, "validation_error")


# --- verification -----------------------------------------------------------------------------


def test_resend_replaces_the_token(api: Api, account: Account, mailbox: InlineMailbox) -> None:
    [first] = mailbox.wait_for(account.email)
    r = api.http.post("/api/v1/auth/verify/resend", headers=account.headers)
    assert r.status_code == 202, r.text
    second = mailbox.wait_for(account.email, count=2)[1]
    assert mailed_token(second) != mailed_token(first)

    error(_verify(api, mailed_token(first)), 400, "verification_token_invalid")
    assert _verify(api, mailed_token(second)).status_code == 204
    error(api.http.post("/api/v1/auth/verify/resend", headers=account.headers), 409, "already_verified")


def test_verification_errors(api: Api, account: Account, mailbox: InlineMailbox, base_env: dict[str, str]) -> None:
    [message] = mailbox.wait_for(account.email)
    error(_verify(api, "A" * 43), 400, "verification_token_invalid")
    error(_verify(api, "not even base64 ✓"), 400, "verification_token_invalid")
    error(_verify(api, ""), 422, "validation_error")
    error(_verify(api, "x" * 513), 422, "validation_error")
    error(api.http.post("/api/v1/auth/verify", json={}), 422, "validation_error")
    error(api.http.post("/api/v1/auth/verify/resend"), 401, "not_authenticated")

    expire_tokens(base_env["DATABASE_URL"], account.id)
    error(_verify(api, mailed_token(message)), 400, "verification_token_expired")
    assert me(api, account.access_token).json()["email_verified"] is False


def test_unverified_users_can_log_in(api: Api, account: Account) -> None:
    assert me(api, _login(api, account.username)["access_token"]).json()["email_verified"] is False


def test_mail_refused_for_now_is_retried(api: Api, mailbox: InlineMailbox) -> None:
    # Given an SMTP server that answers "451 try later" to the first delivery attempt
    name, _ = identity(TEMPFAIL_PREFIX)
    email = f"{name}@example.test"
    r, _ = register(api, email=email, username=name)
    assert r.status_code == 201, r.text
    # Then the worker retries (through the outbox, after a backoff) and the mail arrives once
    [message] = mailbox.wait_for(email, timeout=30)
    assert mailbox.refusals[email] == 1
    assert _verify(api, mailed_token(message)).status_code == 204


def test_deactivated_account_is_refused(api: Api, account: Account, base_env: dict[str, str]) -> None:
    sql(base_env["DATABASE_URL"], "UPDATE users SET is_active = false WHERE id = $1", uuid.UUID(account.id))
    error(me(api, account.access_token), 401, "account_inactive")
    r = api.http.post("/api/v1/auth/login", json={"login": account.username, "password": account.password})
    error(r, 401, "account_inactive")
    error(refresh(api, account.refresh_token), 401, "account_inactive")


# --- refresh reuse and logout ------------------------------------------------------------------


def test_refresh_reuse_ends_the_session(api: Api, account: Account) -> None:
    # Given A refreshed to B
    r = refresh(api, account.refresh_token)
    assert r.status_code == 200, r.text
    b = r.json()
    # When A is presented again
    error(refresh(api, account.refresh_token), 401, "refresh_token_reused")
    # Then B stops working: its refresh token and its access token
    error(refresh(api, b["refresh_token"]), 401, "token_revoked")
    error(me(api, b["access_token"]), 401, "token_revoked")


def test_logout_errors(api: Api, account: Account) -> None:
    error(api.http.post("/api/v1/auth/logout"), 401, "not_authenticated")
    r = api.http.post("/api/v1/auth/logout", headers=account.headers, json={"refresh_token": "x"})
    error(r, 401, "token_invalid")
    # Another user's refresh token is refused, and neither session ends
    stranger = api.register()
    r = api.http.post("/api/v1/auth/logout", headers=account.headers, json={"refresh_token": stranger.refresh_token})
    error(r, 401, "token_invalid")
    assert refresh(api, stranger.refresh_token).status_code == 200
    assert me(api, account.access_token).status_code == 200


# --- the token matrix --------------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _bad_token(account: Account, how: str) -> str:
    header, payload, signature = account.access_token.split(".")
    if how == "alg-none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    if how == "tampered-signature":
        flipped = "A" if signature[10] != "A" else "B"
        return f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"
    if how == "expired":
        now = int(time.time())
        return jwt.encode({**claims(account.access_token), "iat": now - 3600, "exp": now - 60}, TEST_SECRET, "HS256")
    if how == "refresh-as-access":
        return account.refresh_token
    raise AssertionError(how)


MATRIX = [
    ("alg-none", "token_algorithm_rejected"),
    ("tampered-signature", "token_signature_invalid"),
    ("expired", "token_expired"),
    ("refresh-as-access", "token_type_invalid"),
]


@pytest.mark.parametrize(("how", "code"), MATRIX, ids=[how for how, _ in MATRIX])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users/me"), ("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/verify/resend")],
)
def test_token_matrix(api: Api, account: Account, how: str, code: str, method: str, path: str) -> None:
    error(api.http.request(method, path, headers=bearer(_bad_token(account, how))), 401, code)
    assert me(api, account.access_token).status_code == 200
