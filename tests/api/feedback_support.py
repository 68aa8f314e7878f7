"""Recordings with a known duration, comments and replies, made through the API for the feedback tests."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import unprocessable_recording


def timed_recording(api: Api, base_env: dict[str, str], owner: Account, seconds: float = 60.0, **columns: object) -> str:
    """A recording whose probe "found" ``seconds`` of media (set as the ingest step would), so comments fit."""
    recording_id = unprocessable_recording(api, owner, title="Sonatina")
    values = {"duration_seconds": seconds, **columns}
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(values, start=2))
    query = f"UPDATE recordings SET {assignments} WHERE id = $1"  # noqa: S608 - column names from this module
    sql(base_env["DATABASE_URL"], query, uuid.UUID(recording_id), *values.values())
    return recording_id


def comment(api: Api, author: Account | None, recording_id: str, at: float = 1.0, **fields: object) -> httpx.Response:
    body = {"body": f"at {at}", "at_seconds": at, **fields}
    headers = author.headers if author is not None else {}
    return api.http.post(f"/api/v1/recordings/{recording_id}/comments", headers=headers, json=body)


def made(r: httpx.Response) -> dict:
    assert r.status_code == 201, r.text
    return r.json()


def reply(api: Api, author: Account | None, comment_id: str, body: str = "thanks", **fields: object) -> httpx.Response:
    headers = author.headers if author is not None else {}
    return api.http.post(f"/api/v1/comments/{comment_id}/replies", headers=headers, json={"body": body, **fields})


def threads(api: Api, caller: Account, recording_id: str, **params: object) -> dict:
    r = api.http.get(f"/api/v1/recordings/{recording_id}/comments", headers=caller.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def count_rows(base_env: dict[str, str], table: str, recording_id: str) -> int:
    query = f"SELECT count(*) AS n FROM {table} WHERE recording_id = $1"  # noqa: S608 - table names from the tests
    rows = sql(base_env["DATABASE_URL"], query, uuid.UUID(recording_id))
    return rows[0]["n"]


def error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json().get("error_code")) == (status, code), r.text
