"""An async iterator over a blocking reader (file or HTTP response), for ``open_range``.

Each read runs in a worker thread so the event loop keeps serving other requests while a large
range is streamed; the resource is closed exactly once, when the range is exhausted, on error, or
when the consumer stops early and calls ``aclose()`` (Starlette/Litestar do for disconnects).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .base import READ_CHUNK_BYTES


class BlockingReadStream:
    """Yield up to ``remaining`` bytes (``None``: until EOF) from ``read`` in worker threads."""

    def __init__(
        self,
        read: Callable[[int], bytes],
        close: Callable[[], None],
        remaining: int | None,
        *,
        translate: Callable[[Exception], BaseException] | None = None,
    ) -> None:
        self._read = read
        self._close = close
        self._remaining = remaining
        self._translate = translate
        self._closed = False

    def __aiter__(self) -> BlockingReadStream:
        return self

    async def __anext__(self) -> bytes:
        if self._closed or self._remaining == 0:
            await self.aclose()
            raise StopAsyncIteration
        size = READ_CHUNK_BYTES if self._remaining is None else min(READ_CHUNK_BYTES, self._remaining)
        try:
            chunk = await asyncio.to_thread(self._read, size)
        except Exception as exc:
            await self.aclose()
            translated = exc if self._translate is None else self._translate(exc)
            if translated is exc:
                raise
            raise translated from exc
        except BaseException:
            await self.aclose()
            raise
        if not chunk:
            await self.aclose()
            raise StopAsyncIteration
        if self._remaining is not None:
            self._remaining -= len(chunk)
        return chunk

    async def aclose(self) -> None:
        """Release the underlying file or connection; idempotent."""
        if not self._closed:
            self._closed = True
            await asyncio.to_thread(self._close)


def empty_stream() -> BlockingReadStream:
    """A stream that yields nothing (a range starting past the end of the object)."""
    return BlockingReadStream(lambda _n: b"", lambda: None, 0)
