"""The unit tier refuses processes and sleeping (tests/unit/conftest.py), naming where to go."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest


def test_a_process_is_refused() -> None:
    with pytest.raises(AssertionError, match="starts a process.*tests/integration"):
        subprocess.run(["true"], check=True)


def test_sleeping_is_refused() -> None:
    with pytest.raises(AssertionError, match="sleeps"):
        time.sleep(0.01)


async def test_sleeping_on_the_event_loop_is_refused_but_yielding_is_not() -> None:
    assert await asyncio.sleep(0, result="yielded") == "yielded"
    with pytest.raises(AssertionError, match="sleeps"):
        await asyncio.sleep(0.01)
    with pytest.raises(AssertionError, match="starts a process"):
        await asyncio.create_subprocess_exec("true")
