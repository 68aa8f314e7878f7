"""Unit tests are pure: no child process, no sleeping. Such a test belongs in tests/integration."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator

import pytest

_MOVE = "unit tests are pure functions of their input: a test that {} belongs in tests/integration"


@pytest.fixture(autouse=True)
def _pure(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse what makes a test slow or dependent on the machine, with the reason."""
    real_asyncio_sleep = asyncio.sleep

    def no_process(*_: object, **__: object) -> None:
        raise AssertionError(_MOVE.format("starts a process"))

    def no_sleep(seconds: float) -> None:
        raise AssertionError(_MOVE.format(f"sleeps ({seconds} s)"))

    async def yield_only(delay: float, result: object = None) -> object:
        if delay > 0:  # asyncio.sleep(0) only yields to the event loop
            no_sleep(delay)
        return await real_asyncio_sleep(0, result)

    # Popen covers subprocess.run and asyncio's subprocesses alike.
    monkeypatch.setattr(subprocess.Popen, "__init__", no_process)
    monkeypatch.setattr(time, "sleep", no_sleep)
    monkeypatch.setattr(asyncio, "sleep", yield_only)
    yield
