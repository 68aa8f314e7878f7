"""Accounts and sessions: registration, login, tokens, refresh rotation, logout."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest

from tests.conftest import TEST_SECRET
from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api

PASSWORD = "practice-every-day"


def _error(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    if code is not None:
        assert body["error_code"] == code, body
    return body


def _fresh_identity() -> tuple[str, str]:
    name = f"u{uuid.uuid4().hex[:12]}"
    return name, f"{name}@example.test"


def _register(api: Api, **overrides: object) -> httpx.Response:
    name, email = _fresh_identity()
    body = {"email": email, "username": name, "password": PASSWORD, **overrides}
    return api.http.post("/api/v1/auth/register", json=body)


def _me(api: Api, token: str) -> httpx.Response:
    return api.http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})


def _refresh(api: Api, refresh_token: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# --- registration ---------------------------------------------------------------------------


def test_register_creates_account_without_exposing_the_password_hash(api: Api) -> None:
    name, email = _fresh_identity()
    r = api.http.post(
        "/api/v1/auth/register",
        json={"email": email, "username": name, "password": PASSWORD, "role": "teacher", "display_name": "Ms Clef"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert uuid.UUID(body["id"])
    assert (body["email"], body["username"], body["role"], body["display_name"]) == (email, name, "teacher", "Ms Clef")
    assert not any("password" in key or "hash" in key for key in body)
    assert "$argon2" not in r.text and PASSWORD not in r.text


def test_default_role_is_student(api: Api) -> None:
    r = _register(api)
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "student"


def test_duplicate_email_is_a_conflict(api: Api, account: Account) -> None:
    name, _ = _fresh_identity()
    body = {"email": account.email.upper(), "username": name, "password": PASSWORD}
    _error(api.http.post("/api/v1/auth/register", json=body), 409, "email_taken")


def test_duplicate_username_is_a_conflict_whatever_its_case(api: Api, account: Account) -> None:
    _, email = _fresh_identity()
    body = {"email": email, "username": account.username.upper(), "password": PASSWORD}
    _error(api.http.post("/api/v1/auth/register", json=body), 409, "username_taken")


@pytest.mark.parametrize(
    "overrides",
    [{"password": "short"}, {"role": "admin"}, {"email": "not-an-email"}, {"username": "a b"}, {"is_admin": True}],
    ids=["weak-password", "role-admin", "bad-email", "bad-username", "unknown-field"],
)
def test_invalid_registration_is_refused(api: Api, overrides: dict) -> None:
    _error(_register(api, **overrides), 422, "validation_error")


# --- login ------------------------------------------------------------------------------------


@pytest.mark.parametrize("login_with", ["email", "username", "EMAIL"])
def test_login_by_email_or_username(api: Api, account: Account, login_with: str) -> None:
    login = {"email": account.email, "username": account.username, "EMAIL": account.email.upper()}[login_with]
    r = api.http.post("/api/v1/auth/login", json={"login": login, "password": account.password})
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 30 * 60
    me = _me(api, tokens["access_token"])
    assert me.status_code == 200 and me.json()["id"] == account.id


def test_wrong_password_and_unknown_user_get_the_same_answer(api: Api, account: Account) -> None:
    wrong = api.http.post("/api/v1/auth/login", json={"login": account.username, "password": "not-my-password"})
    unknown = api.http.post("/api/v1/auth/login", json={"login": f"ghost-{uuid.uuid4().hex}", "password": PASSWORD})
    assert _error(wrong, 401, "invalid_credentials")["detail"] == _error(unknown, 401, "invalid_credentials")["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/login", {"login": "a\u0000b", "password": PASSWORD}),
        ("/api/v1/auth/register", {"password": PASSWORD, "display_name": "Nul\u0000Name"}),
    ],
    ids=["login", "register"],
)
def test_nul_character_is_bad_input_not_a_server_error(api: Api, path: str, body: dict) -> None:
    if path.endswith("register"):
        name, email = _fresh_identity()
        body = {**body, "email": email, "username": name}
    r = api.http.post(path, json=body)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error_code"]


# --- access tokens ----------------------------------------------------------------------------


def test_users_me_needs_a_token(api: Api, account: Account) -> None:
    _error(api.http.get("/api/v1/users/me"), 401, "not_authenticated")
    _error(api.http.get("/api/v1/users/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "not_authenticated")
    r = _me(api, account.access_token)
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["username"], r.json()["email"]) == (account.id, account.username, account.email)


def test_access_token_claims(api: Api) -> None:
    teacher = api.register(role="teacher")
    assert jwt.get_unverified_header(teacher.access_token)["alg"] == "HS256"
    claims = _claims(teacher.access_token)
    assert claims["sub"] == teacher.id
    assert claims["role"] == "teacher"
    assert claims["type"] == "access"
    assert uuid.UUID(hex=claims["jti"])
    assert claims["exp"] - claims["iat"] == 30 * 60
    # The session (refresh family) the token belongs to, so logout can end it from the access token
    assert claims["fam"] == _claims(teacher.refresh_token)["fam"]
    assert _claims(teacher.refresh_token)["type"] == "refresh"


def test_refresh_token_is_not_an_access_token_nor_the_reverse(api: Api, account: Account) -> None:
    _error(_me(api, account.refresh_token), 401, "token_type_invalid")
    _error(_refresh(api, account.access_token), 401, "token_type_invalid")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forged(account: Account, how: str) -> str:
    claims = _claims(account.access_token)
    header, payload, signature = account.access_token.split(".")
    if how == "alg-none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    if how == "other-hmac-alg":  # the right secret, but not the configured algorithm
        return jwt.encode(claims, TEST_SECRET, algorithm="HS512")
    if how == "wrong-secret":
        return jwt.encode(claims, "not-the-server-secret-at-all-0123456789", algorithm="HS256")
    if how == "tampered-signature":
        flipped = "A" if signature[10] != "A" else "B"
        return f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"
    if how == "tampered-payload":
        return f"{header}.{_b64({**claims, 'role': 'teacher'})}.{signature}"
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ("alg-none", "token_algorithm_rejected"),
        pytest.param(
            "other-hmac-alg",
            "token_algorithm_rejected",
            marks=pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
        ),
        ("wrong-secret", "token_signature_invalid"),
        ("tampered-signature", "token_signature_invalid"),
        ("tampered-payload", "token_signature_invalid"),
    ],
)
def test_forged_tokens_are_refused(api: Api, account: Account, how: str, code: str) -> None:
    body = _error(_me(api, _forged(account, how)), 401, code)
    assert body["error_code"] not in ("", "not_authenticated")


def test_expired_token_is_refused(api: Api, account: Account) -> None:
    now = int(time.time())
    claims = {**_claims(account.access_token), "iat": now - 3600, "exp": now - 60}
    _error(_me(api, jwt.encode(claims, TEST_SECRET, algorithm="HS256")), 401, "token_expired")


def test_garbage_token_is_refused(api: Api) -> None:
    _error(_me(api, "not.a.jwt"), 401, "token_invalid")


# --- refresh rotation and logout -------------------------------------------------------------


def test_refresh_rotates_and_a_replay_revokes_the_family(api: Api, account: Account) -> None:
    # Given refresh token A traded once for a new pair B
    r = _refresh(api, account.refresh_token)
    assert r.status_code == 200, r.text
    pair_b = r.json()
    assert pair_b["refresh_token"] != account.refresh_token
    assert _me(api, pair_b["access_token"]).status_code == 200

    # When A is presented again (someone kept a copy)
    _error(_refresh(api, account.refresh_token), 401, "refresh_token_reused")

    # Then the whole family is dead: B no longer refreshes either
    _error(_refresh(api, pair_b["refresh_token"]), 401)
    # And a fresh login still works
    assert api.login(account.username, account.password)["access_token"]


def test_unknown_refresh_token_is_refused(api: Api, account: Account) -> None:
    claims = {**_claims(account.refresh_token), "jti": uuid.uuid4().hex}
    _error(_refresh(api, jwt.encode(claims, TEST_SECRET, algorithm="HS256")), 401, "token_invalid")


def test_logout_revokes_access_and_refresh_tokens(api: Api, account: Account) -> None:
    other_session = api.login(account.username, account.password)
    r = api.http.post("/api/v1/auth/logout", headers=account.headers, json={"refresh_token": account.refresh_token})
    assert r.status_code == 204, r.text

    _error(_me(api, account.access_token), 401, "token_revoked")
    _error(_refresh(api, account.refresh_token), 401, "token_revoked")
    # Another session of the same user is not logged out.
    assert _me(api, other_session["access_token"]).status_code == 200


def test_logout_needs_an_access_token(api: Api, account: Account) -> None:
    r = api.http.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})
    _error(r, 401, "not_authenticated")
    assert _refresh(api, account.refresh_token).status_code == 200


def test_logout_without_a_body_revokes_the_access_token(api: Api, account: Account) -> None:
    r = api.http.post("/api/v1/auth/logout", headers=account.headers)
    assert r.status_code == 204, r.text
    _error(_me(api, account.access_token), 401, "token_revoked")
