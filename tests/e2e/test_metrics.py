"""Prometheus ``/metrics`` on the API and on a worker group: the series exist and move with work."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import METRICS_TOKEN
from tests.e2e.api import Account, Api
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


def _samples(url: str) -> dict[str, float]:
    """``{'name{labels}': value}`` of one scrape (labels as exposed, in their order)."""
    r = httpx.get(url, timeout=10, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain"), r.text
    out = {}
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


def _total(samples: dict[str, float], pattern: str) -> float:
    return sum(v for k, v in samples.items() if re.fullmatch(pattern, k))


def _series(name: str, **labels: str) -> str:
    """A pattern for the samples of ``name`` carrying ``labels`` (in any order, among others)."""
    wanted = "".join(f'(?=(?:[^}}]*,)?{key}="{re.escape(value)}")' for key, value in labels.items())
    return rf"{re.escape(name)}\{{{wanted}.*\}}"


def _scrape_until(url: str, pattern: str, minimum: float, timeout: float = 20) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        samples = _samples(url)
        if _total(samples, pattern) >= minimum or time.monotonic() > deadline:
            return samples
        time.sleep(0.5)


def test_api_and_worker_metrics_move_when_an_upload_is_processed(
    api: Api, stack: Stack, account: Account, clip_small: Path
) -> None:
    api_url = f"{stack.base_url}/metrics"
    uploads = _series("cadenza_requests_total", method="POST", path="/api/v1/recordings", status_code="202")
    renders = _series("cadenza_step_duration_seconds_count", step="render", outcome="succeeded")
    before_api = _samples(api_url)
    before_worker = _scrape_until(stack.metrics_url("transcode"), renders, 0)

    created = api.accepted(account, clip_small)
    assert api.wait_job(account, created["job_id"])["state"] == "succeeded"

    after_api = _samples(api_url)
    assert _total(after_api, uploads) == _total(before_api, uploads) + 1
    latency = _series("cadenza_request_duration_seconds_count", method="POST", path="/api/v1/recordings")
    assert _total(after_api, latency) > _total(before_api, latency)
    for state in ("waiting", "in_flight", "dead", "delayed"):
        assert f'cadenza_queue_messages{{queue="transcode",state="{state}"}}' in after_api
    assert after_api["cadenza_broker_up"] == 1

    expected = _total(before_worker, renders) + 1
    after_worker = _scrape_until(stack.metrics_url("transcode"), renders, expected)
    assert _total(after_worker, renders) >= expected
    assert _total(after_worker, _series("cadenza_step_duration_seconds_sum", step="render")) > 0


def test_failures_are_counted_by_error_code(api: Api, stack: Stack, account: Account, tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"not a video at all\n" * 64)
    failures = _series("cadenza_step_failures_total", step="probe", error_code="not_media")
    before = _total(_scrape_until(stack.metrics_url("ingest"), failures, 0), failures)

    created = api.accepted(account, notes)
    assert api.wait_job(account, created["job_id"])["state"] == "failed"

    after = _scrape_until(stack.metrics_url("ingest"), failures, before + 1)
    assert _total(after, failures) == before + 1


def test_worker_metrics_server_serves_only_metrics(stack: Stack) -> None:
    assert httpx.get(stack.metrics_url("notify").replace("/metrics", "/other"), timeout=10).status_code == 404
