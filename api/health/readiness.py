"""One readiness check at a time, its answer shared for a moment.

``/health/ready`` is public and each check queries the database, Redis and the object store: a
flood of anonymous requests must not become a flood of backend calls. Concurrent callers await the
same check, and its report is reused for ``REUSE_SECONDS``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

REUSE_SECONDS = 1.0

Report = tuple[bool, dict[str, str]]


class Readiness:
    def __init__(self) -> None:
        self._task: asyncio.Task[Report] | None = None
        self._checked_at = 0.0

    async def report(self, check: Callable[[], Awaitable[Report]]) -> Report:
        task = self._task
        if task is None or (task.done() and time.monotonic() - self._checked_at > REUSE_SECONDS):
            self._checked_at = time.monotonic()
            task = self._task = asyncio.ensure_future(check())
        # shield: a caller that hangs up must not cancel the check the others wait for
        return await asyncio.shield(task)
