"""Helpers for the notification and webhook tests: a real HTTP receiver on a free local port, and
raising a notification the way another domain's service does (``Notifications.add``)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from redis.asyncio import Redis

from api.notifications.sender import Notifications
from core.settings import Settings
from storage.db import create_engine, create_session_factory


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request; answers ``status`` (and ``location`` for redirects). With ``hold``
    set, a request waits until ``release`` is set before it is answered."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    location: str | None = None
    hold: bool = False
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def for_delivery(self, delivery_id: str) -> list[Received]:
        return [r for r in self.requests if r.headers.get("cadenza-delivery") == delivery_id]


def start_receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            receiver = holder["r"]
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            receiver.arrived.set()
            if receiver.hold:
                receiver.release.wait(60)
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:  # noqa: ANN401 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = receiver = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()


def raise_notification(
    settings: Settings,
    user_id: str,
    *,
    kind: str = "comment.created",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    title: str = "Bo commented on “Scales”",
    body: str | None = "Lovely tone at the start",
) -> bool:
    """What the comments service does: ``Notifications.add`` in its transaction, then ``publish``."""

    async def run() -> bool:
        engine = create_engine(settings.database, pool_size=1)
        redis = Redis.from_url(settings.redis.url)
        try:
            notifications = Notifications()
            async with create_session_factory(engine).begin() as session:
                written = await notifications.add(
                    session,
                    user_id=uuid.UUID(user_id),
                    kind=kind,
                    title=title,
                    body=body,
                    data=data or {},
                    dedupe_key=dedupe_key or f"{kind}:{uuid.uuid4()}",
                )
            await notifications.publish(redis)
            return written
        finally:
            await redis.aclose()
            await engine.dispose()

    return asyncio.run(run())
