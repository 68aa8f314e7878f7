"""The web app in this test process: ``create_app(settings)`` under uvicorn on a free port, in a
thread of its own, so tests talk real HTTP (streams included) to settings of their choosing
without starting the Procfile's processes. uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 (its
default), so a test can speak from any client address."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from api.app import create_app
from core.settings import Settings
from tests.e2e.auth_support import sql

__all__ = ["PASSWORD", "EventStream", "Session", "error_code", "from_address", "live_app", "log_in", "sign_up", "sql"]

PASSWORD = "practice-every-day"


@contextmanager
def live_app(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)``; yields its base URL and stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"live-app-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@dataclass
class Session:
    user_id: str
    username: str
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def from_address(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def sign_up(http: httpx.Client, *, ip: str = "127.0.0.1", role: str = "student") -> Session:
    """Register a fresh account and log it in."""
    name = f"u{uuid.uuid4().hex[:12]}"
    email = f"{name}@example.test"
    body = {"email": email, "username": name, "password": PASSWORD, "role": role}
    r = http.post("/api/v1/auth/register", json=body, headers=from_address(ip))
    assert r.status_code == 201, r.text
    return log_in(http, name, ip=ip)


def log_in(http: httpx.Client, login: str, *, password: str = PASSWORD, ip: str = "127.0.0.1") -> Session:
    r = http.post("/api/v1/auth/login", json={"login": login, "password": password}, headers=from_address(ip))
    assert r.status_code == 200, r.text
    pair = r.json()
    me = http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}).json()
    return Session(me["id"], me["username"], me["email"], pair["access_token"], pair["refresh_token"])


def error_code(r: httpx.Response, status: int) -> str:
    """The answer's ``error_code``, after checking its status and the error body's shape."""
    assert r.status_code == status, r.text
    body = r.json()
    assert {"detail", "error_code", "timestamp", "request_id"} <= body.keys(), body
    return body["error_code"]


class EventStream:
    """Reads ``GET /api/v1/events`` in a thread: the events as they come, and whether it ended."""

    def __init__(self, base_url: str, token: str, *, ip: str = "127.0.0.1") -> None:
        self.url, self.token, self.ip = f"{base_url}/api/v1/events", token, ip
        self.events: list[tuple[str, dict]] = []
        self.status: int | None = None
        self.ended = threading.Event()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._response: httpx.Response | None = None

    def open(self) -> EventStream:
        self._thread.start()
        assert self._opened.wait(10), "the event stream did not answer"
        return self

    def _run(self) -> None:
        import json

        try:
            with httpx.stream(
                "GET", self.url, params={"access_token": self.token}, headers=from_address(self.ip),
                timeout=httpx.Timeout(None, connect=5),
            ) as r:
                self._response = r
                self.status = r.status_code
                if r.status_code != 200:
                    r.read()
                    self.events.append(("error", r.json()))
                    return
                event, data = None, []
                for line in r.iter_lines():
                    if line.startswith("event:"):
                        event = line.removeprefix("event:").strip()
                    elif line.startswith("data:"):
                        data.append(line.removeprefix("data:").strip())
                    elif line == "" and event:
                        self.events.append((event, json.loads("\n".join(data)) if data else {}))
                        if event == "subscribed":
                            self._opened.set()
                        event, data = None, []
        except httpx.HTTPError:
            pass
        finally:
            self._opened.set()
            self.ended.set()

    def close(self) -> None:
        """Hang up, as a browser tab that is closed does."""
        if self._response is not None:
            self._response.close()
        self.ended.wait(10)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def wait_for(self, name: str, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, payload in list(self.events):
                if event == name:
                    return payload
            time.sleep(0.05)
        raise AssertionError(f"no {name} event within {timeout}s; saw {self.names()}")
