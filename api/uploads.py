"""Helpers shared by the streaming upload endpoints (recordings, profile photos)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from litestar import Request
from litestar.exceptions import InternalServerException

from core.errors import BadRequest, CadenzaError

T = TypeVar("T")
#: A refusal for which the client is still sending: read the rest so it gets our answer.
_DRAINED_STATUSES = frozenset({400, 413, 422})


async def request_chunks(request: Request) -> AsyncIterator[bytes]:
    """The request body as it arrives; a client that goes away mid-body is a 400, not a 500."""
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except InternalServerException:
        raise BadRequest("the client disconnected during the upload", error_code="upload_interrupted") from None


async def drain(body: AsyncIterator[bytes], *, limit: int) -> None:
    """Read and drop the rest of a refused body, up to ``limit`` bytes, so the client reads our
    answer instead of a reset connection. Past the limit the connection is left to close."""
    drained = 0
    try:
        async for chunk in body:
            drained += len(chunk)
            if drained > limit:
                return
    except (CadenzaError, RuntimeError):
        return


async def receive_upload(
    request: Request, handle: Callable[[AsyncIterator[bytes]], Awaitable[T]], *, drain_limit: int
) -> T:
    """Run ``handle`` on the streamed body; when it refuses the upload, drain what is left of it."""
    body = request_chunks(request)
    try:
        return await handle(body)
    except CadenzaError as exc:
        if exc.status_code in _DRAINED_STATUSES:
            await drain(body, limit=drain_limit)
        raise
