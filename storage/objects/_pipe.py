"""Bridge an async chunk iterator to the blocking ``read(n)`` that minio's ``put_object`` pulls from.

The event loop ``feed``s chunks; minio's upload thread ``read``s them. The pipe holds at most
``max_buffered`` bytes: past that, ``feed`` *awaits* (it never blocks the loop) until the reader
drains it, so a fast client cannot outrun a slow object store and memory stays bounded. ``abort``
makes the next (or current) ``read`` raise ``UploadAborted`` inside minio, which is what makes
minio abort its multipart upload. ``read`` waits for a reasonable batch (``min_read``) rather than
returning each small chunk, because minio appends every read to the part with ``bytes +=``.
``run_in_daemon_thread`` / ``settle`` run the upload and wait for its cleanup from the loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable


class UploadAborted(Exception):
    """Raised inside the upload thread when the producer gave up (limit, error, cancellation)."""


class ChunkPipe:
    """Bounded, thread-safe byte pipe: async writer on the loop, blocking reader in a thread."""

    def __init__(self, *, max_buffered: int, min_read: int) -> None:
        if min_read > max_buffered:
            raise ValueError("min_read must not exceed max_buffered, or the reader would starve")
        self._loop = asyncio.get_running_loop()
        self._max_buffered = max_buffered
        self._min_read = min_read
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._eof = False
        self._aborted = False
        self._reader_gone = False
        self._space = asyncio.Event()  # touched only on the loop thread

    # -- event-loop side --------------------------------------------------------------------------

    async def feed(self, chunk: bytes) -> bool:
        """Queue ``chunk``, awaiting room; ``False`` if the reader has stopped (upload failed)."""
        while True:
            with self._cond:
                if self._reader_gone:
                    return False
                if self._buffered < self._max_buffered:
                    self._chunks.append(chunk)
                    self._buffered += len(chunk)
                    self._cond.notify_all()
                    return True
                # Cleared under the lock: a reader that frees room afterwards schedules set()
                # after this point, so the wake-up cannot be lost.
                self._space.clear()
            await self._space.wait()

    def finish(self) -> None:
        """No more chunks: the reader sees EOF once the buffer is drained."""
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def abort(self) -> None:
        """Make the reader raise ``UploadAborted`` and drop whatever is buffered."""
        with self._cond:
            self._aborted = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()

    # -- upload-thread side -----------------------------------------------------------------------

    def read(self, n: int = -1) -> bytes:
        """Blocking read of up to ``n`` bytes (all buffered if ``n < 0``); ``b""`` at EOF."""
        with self._cond:
            want = self._min_read if n < 0 else min(n, self._min_read)
            while not self._aborted and not self._eof and self._buffered < want:
                self._cond.wait()
            if self._aborted:
                raise UploadAborted("the upload was aborted by its producer")
            data = self._take(self._buffered if n < 0 else n)
        self._wake_writer()
        return data

    def _take(self, n: int) -> bytes:
        pieces: list[bytes] = []
        taken = 0
        while self._chunks and taken < n:
            chunk = self._chunks.popleft()
            room = n - taken
            if len(chunk) > room:
                self._chunks.appendleft(chunk[room:])
                chunk = chunk[:room]
            pieces.append(chunk)
            taken += len(chunk)
        self._buffered -= taken
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def close_reader(self) -> None:
        """Called by the upload thread when it ends, so a waiting ``feed`` stops waiting."""
        with self._cond:
            self._reader_gone = True
            self._chunks.clear()
            self._buffered = 0
        self._wake_writer()

    def _wake_writer(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._space.set)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting any more


def run_in_daemon_thread(func: Callable[[], None], *, name: str) -> asyncio.Future[None]:
    """Run ``func`` in its own daemon thread: a long upload must not occupy the shared executor,
    and a thread stuck waiting for chunks must never keep the interpreter from exiting."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def resolve(error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(None)

    def target() -> None:
        error: BaseException | None = None
        try:
            func()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            error = exc
        try:
            loop.call_soon_threadsafe(resolve, error)
        except RuntimeError:
            pass  # the loop is gone; nobody awaits this upload any more

    threading.Thread(target=target, name=name, daemon=True).start()
    return future


async def settle(future: asyncio.Future[None]) -> None:
    """Wait for the upload thread to finish its cleanup, swallowing its (secondary) error."""
    try:
        await asyncio.shield(future)
    except asyncio.CancelledError:
        # Cancelled again while waiting: the thread still finishes its cleanup on its own; make
        # sure its error is marked as retrieved so asyncio does not log it as unhandled.
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        raise
    except BaseException:  # noqa: BLE001 - the producer's own error is the one that matters
        pass
