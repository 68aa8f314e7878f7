"""The ``ObjectStore`` contract shared by ``LocalStore`` (filesystem) and ``S3Store`` (minio SDK).

The API streams uploads through ``put_stream`` and workers move whole files with ``put_file`` /
``get_to_file``; neither knows which backend is behind it. Every method validates its key with
``keys.validate_key`` and raises only project errors: ``NotFound`` for a missing object,
``StorageUnavailable`` for a backend fault worth retrying, ``PayloadTooLarge`` for an oversized
stream, and ``ValueError`` for a malformed key or range (a programming error, not a user one).
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from core.errors import PayloadTooLarge

#: Chunk size used when a store reads an object back (files, ranges, downloads).
READ_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What ``stat`` knows about a stored object; ``etag`` is opaque and may be ``None``."""

    key: str
    size: int
    content_type: str
    etag: str | None = None


class ObjectStore(abc.ABC):
    """Async object storage with deterministic keys; all methods are safe to call concurrently."""

    @abc.abstractmethod
    async def put_stream(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> int:
        """Store ``chunks`` as they arrive, in constant memory, and return the byte count.

        The object appears atomically when the stream ends. If the total would exceed
        ``max_bytes``, or the iterator raises, or the caller is cancelled, nothing partial is left
        behind (an existing object under ``key`` is kept) and the error propagates
        (``PayloadTooLarge`` for the limit).
        """

    @abc.abstractmethod
    async def put_file(self, key: str, path: str | Path, *, content_type: str) -> int:
        """Store a local file (a worker's rendition) and return its size."""

    @abc.abstractmethod
    async def get_to_file(self, key: str, path: str | Path) -> None:
        """Download an object to ``path`` atomically; ``NotFound`` if it does not exist."""

    async def local_path(self, key: str) -> Path | None:
        """The object's own file on this machine, for reading in place, or ``None`` (download it).

        Callers only ever read the file (ffmpeg/ffprobe inputs): it is the stored object itself,
        not a copy. ``NotFound`` if a backend with local files does not have the object; backends
        without local files (S3) answer ``None`` and the caller uses ``get_to_file`` once.
        """
        return None

    @abc.abstractmethod
    async def read_head(self, key: str, n: int) -> bytes:
        """Return the first ``n`` bytes (fewer if the object is shorter), for content sniffing."""

    @abc.abstractmethod
    async def open_range(self, key: str, start: int, end: int | None) -> AsyncIterator[bytes]:
        """Open bytes ``start..end`` **inclusive**, as in an HTTP ``Range`` header, for serving.

        ``end=None`` (or past the last byte) means "to the end". Await it, then iterate:
        ``async for chunk in await store.open_range(key, 0, 99)``. ``NotFound`` is raised by the
        await, before any byte is sent; a ``start`` past the end yields no bytes (the caller
        answers 416 from ``stat``). The iterator releases its file/connection when exhausted or
        when ``aclose()`` is called.
        """

    @abc.abstractmethod
    async def stat(self, key: str) -> ObjectInfo | None:
        """Return the object's size, type and etag, or ``None`` if it does not exist."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove an object; a missing one is not an error (deletes are retried)."""

    @abc.abstractmethod
    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object under ``prefix`` (which must end with ``/``); return the count."""

    @abc.abstractmethod
    async def presigned_url(self, key: str, *, expires: int, filename: str | None = None) -> str | None:
        """A time-limited direct download URL, or ``None`` when the API must serve bytes itself.

        ``expires`` is in seconds; ``filename`` asks the backend to answer with
        ``Content-Disposition: attachment`` under that name.
        """

    @abc.abstractmethod
    async def check(self) -> None:
        """Readiness probe: raise ``StorageUnavailable`` unless the store can be used now."""

    @abc.abstractmethod
    async def ensure_ready(self) -> None:
        """Create the bucket or root directory if it is missing (idempotent, run at start-up)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections; the store must not be used afterwards."""


def check_range(start: int, end: int | None) -> None:
    """Reject ranges no caller should build (negative or reversed); ``ValueError``."""
    if start < 0:
        raise ValueError(f"range start must be >= 0, not {start}")
    if end is not None and end < start:
        raise ValueError(f"range end {end} is before start {start}")


def check_read_length(n: int) -> None:
    """``read_head`` takes a non-negative count; anything else is a caller bug."""
    if n < 0:
        raise ValueError(f"read length must be >= 0, not {n}")


def too_large(max_bytes: int) -> PayloadTooLarge:
    """The one error every store raises when a stream passes its limit."""
    return PayloadTooLarge(f"the upload is larger than the limit of {max_bytes} bytes", error_code="upload_too_large")


def content_disposition(filename: str) -> str:
    """``attachment`` header value with an ASCII fallback and an RFC 5987 UTF-8 name."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"
