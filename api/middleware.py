"""ASGI middleware: a request id on every request, log line and response."""

from __future__ import annotations

import logging
import re
import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.ids import new_request_id
from core.logging import log_fast, request_id_var

log = logging.getLogger("cadenza.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: Probes are polled every few seconds by orchestrators and scrapers: a line each would drown the log.
UNLOGGED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics", "/metrics/"})


#: Liveness only says the process and its event loop answer: it is answered here, at the edge,
#: without the app (orchestrators poll it often). ``api.health`` still documents it in the schema.
LIVENESS_PATH = "/health/live"
_ALIVE = b'{"status":"ok"}'
_ALIVE_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_ALIVE)).encode())]


class RequestIdMiddleware:
    """Accept a sane incoming ``X-Request-ID`` or make one; echo it; log one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or new_request_id()
        header = (b"x-request-id", request_id.encode())
        if scope["path"] == LIVENESS_PATH and scope["method"] == "GET":
            await _answer_alive(send, header)
            return
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["path"] not in UNLOGGED_PATHS:
                fields = {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
                log_fast(log, "request", fields)
            request_id_var.reset(token)


async def _answer_alive(send: Send, request_id: tuple[bytes, bytes]) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [*_ALIVE_HEADERS, request_id]})
    await send({"type": "http.response.body", "body": _ALIVE})


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            incoming = value.decode("latin-1")
            return incoming if _VALID_ID.match(incoming) else None
    return None
