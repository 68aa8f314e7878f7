"""Accounts for authorization tests: verified users, admins (set in the database, as an operator
would), teacher-student links and shares made through the API."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql

NOT_MEDIA = b"these are my practice notes, not a recording\n" * 40


def set_user_columns(database_url: str, user_id: str, **columns: object) -> None:
    """Update the user's row directly (e.g. ``role="admin"``, ``email_verified=True``)."""
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=2))
    sql(database_url, f"UPDATE users SET {assignments} WHERE id = $1", uuid.UUID(user_id), *columns.values())  # noqa: S608


def verified(api: Api, base_env: dict[str, str], role: str = "student") -> Account:
    account = api.register(role)
    set_user_columns(base_env["DATABASE_URL"], account.id, email_verified=True)
    return account


def admin(api: Api, base_env: dict[str, str]) -> Account:
    account = verified(api, base_env)
    set_user_columns(base_env["DATABASE_URL"], account.id, role="admin")
    tokens = api.login(account.username, account.password)
    account.access_token, account.refresh_token = tokens["access_token"], tokens["refresh_token"]
    return account


def headers(caller: Account | None) -> dict[str, str]:
    return caller.headers if caller is not None else {}


def link(api: Api, student: Account, teacher: Account) -> str:
    """The student asks, the teacher accepts; returns the relationship's id."""
    r = api.http.post("/api/v1/relationships", headers=student.headers, json={"user_id": teacher.id})
    assert r.status_code == 201, r.text
    relationship_id = r.json()["id"]
    r = api.http.post(f"/api/v1/relationships/{relationship_id}/accept", headers=teacher.headers)
    assert r.status_code == 200 and r.json()["status"] == "active", r.text
    return relationship_id


def share(api: Api, owner: Account, recording_id: str, recipient: Account) -> httpx.Response:
    return api.http.post(
        f"/api/v1/recordings/{recording_id}/shares", headers=owner.headers, json={"user_id": recipient.id}
    )


def unprocessable_recording(api: Api, owner: Account, title: str = "notes") -> str:
    """A recording that is accepted and then fails fast at probe: cheap for cells that need one."""
    r = api.upload(owner, content=NOT_MEDIA, filename="notes.mp4", title=title)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def notifications(api: Api, account: Account, kind: str) -> list[dict]:
    r = api.http.get("/api/v1/notifications", headers=account.headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] == kind]
