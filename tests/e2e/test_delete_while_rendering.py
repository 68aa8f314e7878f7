"""Deleting a recording while a worker renders it: needs the Procfile's processes (the rest of the
recordings API contract is in tests/api/test_recordings_api.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.api import Account, Api

pytestmark = pytest.mark.e2e


def _files_under(base_env: dict[str, str], *segments: str) -> list[Path]:
    root = Path(base_env["STORAGE_URL"].removeprefix("file://")).joinpath("recordings", *segments)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_delete_during_processing_leaves_no_objects(
    api: Api, account: Account, clip_1080p: Path, clip_small: Path, base_env: dict[str, str]
) -> None:
    # Given a recording whose render step is running
    created = api.accepted(account, clip_1080p)
    deadline = time.monotonic() + 120
    while (render := api.job(account, created["job_id"])["steps"][1])["state"] != "running":
        assert render["name"] == "render" and render["state"] == "queued" and time.monotonic() < deadline, render
        time.sleep(0.05)

    # When it is deleted, and a later upload has gone through every queue (transcode runs one at a time)
    assert api.http.delete(f"/api/v1/recordings/{created['id']}", headers=account.headers).status_code == 204
    assert api.process(account, clip_small)[0]["state"] == "succeeded"

    # Then nothing of the deleted recording is left in the store
    assert _files_under(base_env, account.id, created["id"]) == []
