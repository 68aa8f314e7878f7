"""The steps this worker process is running: what its heartbeat reports, what shutdown hands back.

``run_step`` registers a step *before* claiming it and unregisters it only *after* its outcome is
committed. So a heartbeat written after a step's ``started_at`` that does not list the step proves
the worker no longer works on that claim (the reaper relies on this).

Worker threads, the heartbeat thread and the shutdown timer all use it, hence the lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from core.ids import utcnow
from storage.heartbeats import RunningStep

T = TypeVar("T")

_HAND_BACK = "worker shutdown: handing the step back"


class HandedBack(Exception):
    """The step's handler was cancelled because the worker is shutting down."""


class InFlightStep:
    def __init__(self, registry: InFlight, job_id: str, step: str) -> None:
        self.registry = registry
        self.job_id = job_id
        self.step = step
        self.since = utcnow()
        self.handed_back = False
        self._task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await the handler as a task of its own, which ``InFlight.hand_back_all`` may cancel.

        Raises:
            HandedBack: the worker is shutting down and the handler was stopped (its ffmpeg is
                killed by the runner on cancellation).
        """
        task = asyncio.ensure_future(coro)
        with self.registry.lock:
            self._task, self._loop = task, asyncio.get_running_loop()
            if self.registry.handing_back:  # the grace period ended before the handler started
                self.handed_back = True
                task.cancel(_HAND_BACK)
        try:
            return await task
        except BaseException as exc:
            current = asyncio.current_task()
            outer_cancelled = current is not None and current.cancelling() > 0
            if self.handed_back and not outer_cancelled and isinstance(exc, Exception | asyncio.CancelledError):
                raise HandedBack(self.step) from None
            raise

    def cancel_for_shutdown(self) -> bool:
        """Called with the registry's lock held, from the shutdown timer's thread."""
        if self._task is None or self._loop is None or self._task.done():
            return False
        self.handed_back = True
        self._loop.call_soon_threadsafe(self._task.cancel, _HAND_BACK)
        return True


class InFlight:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.processed = 0
        self.stopping = False
        self.handing_back = False
        self._steps: list[InFlightStep] = []

    def begin(self, job_id: str, step: str) -> InFlightStep:
        entry = InFlightStep(self, job_id, step)
        with self.lock:
            self._steps.append(entry)
        return entry

    def end(self, entry: InFlightStep) -> None:
        with self.lock:
            if entry in self._steps:
                self._steps.remove(entry)
                self.processed += 1

    def snapshot(self) -> tuple[dt.datetime, tuple[RunningStep, ...], int, bool]:
        """(now, running steps, processed count, stopping), consistent with each other."""
        with self.lock:
            steps = tuple(RunningStep(job_id=s.job_id, step=s.step, since=s.since) for s in self._steps)
            return utcnow(), steps, self.processed, self.stopping

    def count(self) -> int:
        with self.lock:
            return len(self._steps)

    def mark_stopping(self) -> None:
        with self.lock:
            self.stopping = True

    def hand_back_all(self) -> int:
        """Cancel every running handler (each hands its step back); later ones are cancelled at once."""
        with self.lock:
            self.stopping = self.handing_back = True
            return sum(entry.cancel_for_shutdown() for entry in self._steps)


#: This process's registry (worker processes are forked; each has its own).
IN_FLIGHT = InFlight()
