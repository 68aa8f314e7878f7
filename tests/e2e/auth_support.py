"""Helpers for the auth tests: request bodies, error checks, direct SQL for what no API does
(ageing a token past its expiry, deactivating an account)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import jwt

from tests.e2e.api import Api

PASSWORD = "practice-every-day"


def error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert an error answer per DESIGN §6; returns its body."""
    assert r.status_code == status, r.text
    body = r.json()
    assert {"detail", "error_code", "timestamp", "request_id"} <= body.keys(), body
    assert body["request_id"] == r.headers["x-request-id"]
    if code is not None:
        assert body["error_code"] == code, body
    return body


def identity(prefix: str = "u") -> tuple[str, str]:
    """A fresh (username, e-mail)."""
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    return name, f"{name}@example.test"


def register(api: Api, **overrides: Any) -> tuple[httpx.Response, dict[str, Any]]:  # noqa: ANN401
    """POST /auth/register with a fresh identity; returns (response, body sent)."""
    name, email = identity()
    body = {"email": email, "username": name, "password": PASSWORD, **overrides}
    return api.http.post("/api/v1/auth/register", json=body), body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(api: Api, token: str) -> httpx.Response:
    return api.http.get("/api/v1/users/me", headers=bearer(token))


def refresh(api: Api, refresh_token: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def sql(database_url: str, query: str, *args: Any) -> list[asyncpg.Record]:  # noqa: ANN401
    """Run one statement on the stack's database, as an operator would."""

    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def expire_tokens(database_url: str, user_id: str) -> None:
    """Age every mailed token of a user past its expiry."""
    sql(
        database_url,
        "UPDATE account_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1",
        uuid.UUID(user_id),
    )
