"""Helpers of the operations tests: admins, waiting, a stoppable S3 server, a paused relay."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import asyncpg

from tests.e2e.api import Account, Api
from tests.e2e.stack import Stack

T = TypeVar("T")


def make_admin(database_url: str, account: Account) -> Account:
    """Give ``account`` the admin role (the API has no self-service way to become one)."""

    async def update() -> None:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            await conn.execute("UPDATE users SET role = 'admin' WHERE id = $1", account.id)
        finally:
            await conn.close()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, update()).result()
    return account


def wait_until(probe: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.2) -> T:
    """Call ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")


def admin_get(api: Api, admin: Account, path: str, **params: object) -> dict:
    r = api.http.get(f"/api/v1/admin{path}", headers=admin.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def admin_job(api: Api, admin: Account, job_id: str) -> dict:
    return admin_get(api, admin, f"/jobs/{job_id}")


def queue_row(api: Api, admin: Account, queue: str) -> dict:
    return next(q for q in admin_get(api, admin, "/queues")["items"] if q["queue"] == queue)


def post_action(api: Api, admin: Account, job_id: str, action: str) -> dict:
    """``POST /api/v1/admin/jobs/{id}/{action}``, which must succeed: the job after it."""
    r = api.http.post(f"/api/v1/admin/jobs/{job_id}/{action}", headers=admin.headers)
    assert r.status_code == 200, r.text
    return r.json()


def refused_action(api: Api, admin: Account, job_id: str, action: str) -> str:
    """The same, which must be refused with 409: its error code."""
    r = api.http.post(f"/api/v1/admin/jobs/{job_id}/{action}", headers=admin.headers)
    assert r.status_code == 409, r.text
    return r.json()["error_code"]


def step_of(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s["name"] == name)


def ids_of(page: dict) -> set[str]:
    return {item["id"] for item in page["items"]}


def ffmpeg_running_for(recording_id: str) -> bool:
    """Whether an ffmpeg works on the recording (its working directory is named after it)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended meanwhile
            continue
        if argv and argv[0].endswith(b"ffmpeg") and any(recording_id.encode() in a for a in argv):
            return True
    return False


def notification_kinds(api: Api, account: Account, recording_id: str) -> list[str]:
    r = api.http.get("/api/v1/notifications", headers=account.headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return sorted(n["kind"] for n in r.json()["items"] if n["data"].get("recording_id") == recording_id)


@contextmanager
def relay_paused(stack: Stack) -> Iterator[None]:
    """Stop the relay: uploads are accepted, their first step waits in the outbox until the end."""
    stack.stop_process("relay")
    try:
        yield
    finally:
        stack.start_process("relay")


@dataclass
class StoppableS3Server:
    """A moto S3 server of its own that a test can take down and bring back on the same port.

    moto keeps its buckets in this process's memory, so they survive the outage, as a real
    store's data would.
    """

    port: int = 0
    _server: object | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        server.start()
        self.port = server.get_host_and_port()[1]
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()  # type: ignore[attr-defined]
            self._server = None
