"""A small synchronous client for the HTTP API, used by the end-to-end tests."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

TERMINAL_JOB_STATES = {"succeeded", "failed"}


@dataclass
class Account:
    id: str
    username: str
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Api:
    """Calls the API at ``target``: a URL (a running web process) or a client already bound to an
    app (the in-process tier's Litestar ``TestClient``, an ``httpx.Client`` too)."""

    def __init__(self, target: str | httpx.Client) -> None:
        if isinstance(target, httpx.Client):
            self.http = target
        else:
            self.http = httpx.Client(base_url=target, timeout=httpx.Timeout(120, connect=5))

    def close(self) -> None:
        self.http.close()

    def register(self, role: str = "student", *, password: str = "practice-every-day") -> Account:
        name = f"u{uuid.uuid4().hex[:12]}"
        email = f"{name}@example.test"
        r = self.http.post(
            "/api/v1/auth/register", json={"email": email, "username": name, "password": password, "role": role}
        )
        assert r.status_code == 201, r.text
        tokens = self.login(name, password)
        return Account(r.json()["id"], name, email, password, tokens["access_token"], tokens["refresh_token"])

    def login(self, login: str, password: str) -> dict:
        r = self.http.post("/api/v1/auth/login", json={"login": login, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def upload(
        self,
        account: Account,
        path: Path | None = None,
        *,
        content: bytes | object | None = None,
        filename: str | None = None,
        title: str | None = None,
        idempotency_key: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> httpx.Response:
        headers = dict(account.headers)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = {"title": title} if title else {}
        body = path.open("rb") if path is not None else content
        try:
            files = {"file": (filename or (path.name if path else "upload.bin"), body, content_type)}
            return self.http.post("/api/v1/recordings", headers=headers, data=data, files=files)
        finally:
            if path is not None:
                body.close()  # type: ignore[union-attr]

    def accepted(self, account: Account, path: Path, **kwargs: object) -> dict:
        r = self.upload(account, path, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 202, r.text
        return r.json()

    def job(self, account: Account, job_id: str) -> dict:
        r = self.http.get(f"/api/v1/jobs/{job_id}", headers=account.headers)
        assert r.status_code == 200, r.text
        return r.json()

    def wait_job(self, account: Account, job_id: str, timeout: float = 180.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(account, job_id)
            if job["state"] in TERMINAL_JOB_STATES:
                return job
            time.sleep(0.25)
        raise AssertionError(f"job {job_id} did not finish in {timeout}s: {job}")

    def recording(self, account: Account, recording_id: str) -> dict:
        r = self.http.get(f"/api/v1/recordings/{recording_id}", headers=account.headers)
        assert r.status_code == 200, r.text
        return r.json()

    def process(self, account: Account, path: Path, **kwargs: object) -> tuple[dict, dict]:
        """Upload and wait: returns (final job, final recording)."""
        created = self.accepted(account, path, **kwargs)
        job = self.wait_job(account, created["job_id"])
        return job, self.recording(account, created["id"])

    def download(self, url: str, dest: Path) -> Path:
        with self.http.stream("GET", url, timeout=60) as r:
            assert r.status_code == 200, (url, r.status_code)
            with dest.open("wb") as out:
                for chunk in r.iter_bytes():
                    out.write(chunk)
        return dest
