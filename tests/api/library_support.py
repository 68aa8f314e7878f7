"""Catalogue entries made through the API, for the library's tests."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.api import Account, Api


def unique(prefix: str) -> str:
    """A name no other test uses (the api tier shares one database: tests filter by it)."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def created(r: httpx.Response) -> dict:
    assert r.status_code == 201, r.text
    return r.json()


def genre(api: Api, who: Account, name: str | None = None) -> dict:
    return created(api.http.post("/api/v1/genres", headers=who.headers, json={"name": name or unique("genre")}))


def artist(api: Api, who: Account, name: str | None = None, **fields: object) -> dict:
    body = {"name": name or unique("artist"), **fields}
    return created(api.http.post("/api/v1/artists", headers=who.headers, json=body))


def album(api: Api, who: Account, title: str | None = None, **fields: object) -> dict:
    body = {"title": title or unique("album"), **fields}
    return created(api.http.post("/api/v1/albums", headers=who.headers, json=body))


def song(api: Api, who: Account, title: str | None = None, *, untitled: bool = False, **fields: object) -> dict:
    """A new song; ``untitled``: with no title at all (the audio's tags may give it one)."""
    body = {**({} if untitled else {"title": title or unique("song")}), **fields}
    return created(api.http.post("/api/v1/songs", headers=who.headers, json=body))


def error_of(r: httpx.Response) -> tuple[int, str | None]:
    return r.status_code, (r.json().get("error_code") if r.content else None)
