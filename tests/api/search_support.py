"""Helpers for the search tests: unique words, searching as a caller, the search counter reset."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import headers


def word() -> str:
    """A word no other test uses, so a test finds only what it made (the tier is shared)."""
    return "w" + uuid.uuid4().hex[:12]


def found(api: Api, caller: Account | None, q: str, **params: Any) -> dict[str, Any]:  # noqa: ANN401
    """GET /api/v1/search as ``caller`` (``None``: anonymous); the body of a 200."""
    r = api.http.get("/api/v1/search", headers=headers(caller), params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def ids(api: Api, caller: Account | None, q: str, **params: Any) -> list[str]:  # noqa: ANN401
    return [item["id"] for item in found(api, caller, q, **params)["items"]]


def insert(base_env: dict[str, str], table: str, **columns: object) -> str:
    """A row made with plain SQL (as the domain's own API would store it); returns its id."""
    names = ", ".join(columns)
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    statement = f"INSERT INTO {table} (id, {names}) VALUES (gen_random_uuid(), {values}) RETURNING id"  # noqa: S608
    [row] = sql(base_env["DATABASE_URL"], statement, *columns.values())
    return str(row["id"])
