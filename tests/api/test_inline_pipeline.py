"""The in-process tier processes uploads without a stack: ``api.process`` runs the queued steps here."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import InlineApi
from tests.e2e.api import Account


def test_an_upload_is_processed_in_process(api: InlineApi, account: Account, clip_small: Path) -> None:
    job, recording = api.process(account, clip_small, title="inline")
    assert job["state"] == "succeeded", job
    assert recording["status"] == "ready"
    assert {r["name"] for r in recording["renditions"]} == {"sd"}
    assert recording["duration_seconds"] > 1.5
    assert recording["thumbnail_url"]
