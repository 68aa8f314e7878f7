"""A request body as it arrives, with the few headers an upload needs: what upload services get
instead of Litestar's ``Request`` (the controller builds it with ``FormBody.of``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Request
from litestar.exceptions import InternalServerException

from core.errors import BadRequest, CadenzaError


@dataclass(frozen=True, slots=True)
class FormBody:
    chunks: AsyncIterator[bytes]
    content_type: str | None
    #: ``Content-Length`` as the client declared it (None when absent or not a number).
    declared_length: int | None
    #: The raw ``Idempotency-Key`` header, validated by the service that honours it.
    idempotency_key: str | None = None

    @classmethod
    def of(cls, request: Request) -> FormBody:
        declared = request.headers.get("content-length")
        return cls(
            chunks=request_chunks(request),
            content_type=request.headers.get("content-type"),
            declared_length=int(declared) if declared and declared.isdigit() else None,
            idempotency_key=request.headers.get("idempotency-key"),
        )


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
