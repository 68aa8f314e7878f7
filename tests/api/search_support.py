"""Helpers for the search tests: unique words, searching as a caller, the search counter reset."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.api import Account, Api
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
