"""Per-user upload quotas (issue 11 item 7): bytes stored and uploads per window, each refused
with its own code, and both shown with their limits in ``/users/me``. In-process web app."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from core.limits import RateLimit, UploadQuotas
from core.settings import Settings
from tests.integration.live_app import Session, error_code, live_app, sign_up
from tests.photos import png_bytes

QUOTA = 200_000


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[httpx.Client]:
    limited = settings.replace(quotas=UploadQuotas(storage_bytes=QUOTA, uploads=RateLimit(4, 3600)))
    with live_app(limited) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def upload(http: httpx.Client, session: Session, size: int) -> httpx.Response:
    files = {"file": ("take.mp4", os.urandom(size), "video/mp4")}
    return http.post("/api/v1/recordings", files=files, data={"title": "Take"}, headers=session.headers)


def usage(http: httpx.Client, session: Session) -> dict:
    r = http.get("/api/v1/users/me", headers=session.headers)
    assert r.status_code == 200, r.text
    return r.json()["usage"]


def test_uploads_per_window_are_limited_and_shown(http: httpx.Client) -> None:
    me = sign_up(http)
    for _ in range(4):
        assert upload(http, me, 1000).status_code == 202
    r = upload(http, me, 1000)
    assert error_code(r, 429) == "too_many_uploads" and int(r.headers["retry-after"]) > 0
    shown = usage(http, me)
    assert (shown["uploads_in_window"], shown["uploads_per_window"], shown["upload_window_seconds"]) == (4, 4, 3600)
    # Someone else's uploads are their own
    assert upload(http, sign_up(http), 1000).status_code == 202


def test_the_storage_quota_caps_uploads_while_they_stream_and_before(http: httpx.Client) -> None:
    me = sign_up(http)
    assert upload(http, me, 150_000).status_code == 202
    assert usage(http, me)["stored_bytes"] == 150_000
    # A file bigger than what is left is stopped while it streams, and leaves nothing counted
    assert error_code(upload(http, me, 60_000), 413) == "storage_quota_exceeded"
    shown = usage(http, me)
    assert (shown["stored_bytes"], shown["storage_quota_bytes"]) == (150_000, QUOTA)
    # What fits is taken; once full, the next upload is refused before its body is read
    assert upload(http, me, 50_000).status_code == 202
    assert error_code(upload(http, me, 10), 413) == "storage_quota_exceeded"


def test_profile_photo_uploads_are_limited_per_user(settings: Settings) -> None:
    limited = settings.replace(quotas=UploadQuotas(photos=RateLimit(2, 3600)))
    with live_app(limited) as url, httpx.Client(base_url=url, timeout=30) as http:
        me = sign_up(http)
        files = {"file": ("me.png", png_bytes(64, 64), "image/png")}
        answers = [http.put("/api/v1/users/me/photo", files=files, headers=me.headers) for _ in range(3)]
        assert [r.status_code for r in answers[:2]] == [202, 202]
        assert error_code(answers[2], 429) == "too_many_uploads"
