"""Idempotency-Key: a retried upload returns the first result instead of a second recording."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api


def test_same_key_twice_creates_one_recording(api: Api, account: Account, clip_small: Path) -> None:
    key = f"retry-{uuid.uuid4()}"
    first = api.upload(account, clip_small, idempotency_key=key)
    second = api.upload(account, clip_small, idempotency_key=key)
    assert first.status_code == 202 and second.status_code == 202
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["job_id"] == first.json()["job_id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 1


def test_concurrent_retries_with_one_key_create_one_recording(api: Api, account: Account, clip_small: Path) -> None:
    key = f"race-{uuid.uuid4()}"
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: api.upload(account, clip_small, idempotency_key=key), range(4)))
    assert [r.status_code for r in responses] == [202] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert api.http.get("/api/v1/recordings", headers=account.headers).json()["total"] == 1


def test_keys_are_per_user(api: Api, clip_small: Path) -> None:
    key = f"shared-{uuid.uuid4()}"
    alice, bob = api.register(), api.register()
    a = api.upload(alice, clip_small, idempotency_key=key).json()
    b = api.upload(bob, clip_small, idempotency_key=key).json()
    assert a["id"] != b["id"]
