"""The one place that spawns processes (ffmpeg, ffprobe): timeouts, progress, and cleanup.

Every child runs in its own process group so that a timeout, a cancelled job or a worker
shutdown kills it and anything it started; on Linux the child also gets ``PR_SET_PDEATHSIG``
so that it dies with the worker even on ``kill -9``. A killed child is always reaped before
this module returns or raises, so no zombie or orphan outlives a job.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.errors import MediaProcessingFailed

STDERR_TAIL_BYTES = 8 * 1024
STDOUT_LIMIT_BYTES = 32 * 1024 * 1024
PROGRESS_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1

ProgressCallback = Callable[[float], Awaitable[None]]

#: Process-group ids (== pids, thanks to ``start_new_session``) of children still running.
_live_groups: set[int] = set()


@dataclass(frozen=True, slots=True)
class ProcessResult:
    returncode: int
    stdout: bytes
    stderr_tail: str

    @property
    def last_stderr_line(self) -> str:
        lines = self.stderr_tail.strip().splitlines()
        return lines[-1] if lines else ""


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Have the kernel send ``sig`` to this process when its parent exits (Linux; else a no-op)."""
    prctl = _prctl()
    if prctl is not None:
        parent = os.getppid()
        prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)


def _death_signal_preexec() -> Callable[[], None] | None:
    """Build the child's pre-exec hook; libc is looked up in the parent, never after fork.

    PDEATHSIG fires when the *thread* that forked the child exits. That is the thread running
    the event loop, which is awaiting the child for as long as it runs.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()  # per call: worker processes are forked after import

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def kill_all_children() -> int:
    """SIGKILL every running child's process group (worker shutdown). Returns how many."""
    groups = list(_live_groups)
    for pid in groups:
        _kill_group(pid)
    return len(groups)


def live_children() -> frozenset[int]:
    """Pids of children started by this module that have not been reaped yet."""
    return frozenset(_live_groups)


class _ProgressParser:
    """Turns ``-progress`` key=value lines into calls of ``on_progress`` with a 0..1 fraction."""

    def __init__(self, duration: float | None, on_progress: ProgressCallback | None) -> None:
        self._duration = duration if duration and duration > 0 else None
        self._on_progress = on_progress
        self._last_call = 0.0
        self._last_fraction = 0.0
        self.finished = False

    async def feed(self, line: bytes) -> None:
        key, _, value = line.decode("ascii", "replace").strip().partition("=")
        # ffmpeg 5.1 prints microseconds under both names (out_time_ms is misnamed).
        if key not in ("out_time_us", "out_time_ms") or self._duration is None:
            return
        try:
            seconds = int(value) / 1_000_000
        except ValueError:  # "N/A" before the first frame
            return
        fraction = min(max(seconds / self._duration, 0.0), 0.999)
        now = time.monotonic()
        if fraction > self._last_fraction and now - self._last_call >= PROGRESS_INTERVAL:
            self._last_call, self._last_fraction = now, fraction
            if self._on_progress is not None:
                await self._on_progress(fraction)

    async def finish(self) -> None:
        if self._on_progress is not None and not self.finished:
            self.finished = True
            await self._on_progress(1.0)


async def _read_stdout(stream: asyncio.StreamReader, parser: _ProgressParser | None, sink: bytearray | None) -> None:
    if sink is not None:
        while chunk := await stream.read(65536):
            if len(sink) < STDOUT_LIMIT_BYTES:
                sink += chunk
        return
    while line := await stream.readline():
        if parser is not None:
            await parser.feed(line)


async def _read_stderr_tail(stream: asyncio.StreamReader, tail: bytearray) -> None:
    while chunk := await stream.read(65536):
        tail += chunk
        del tail[:-STDERR_TAIL_BYTES]


async def _kill_and_reap(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        _kill_group(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        await asyncio.shield(proc.wait())


async def run_process(
    argv: list[str],
    *,
    timeout: float,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
    capture_stdout: bool = False,
    check: bool = True,
) -> ProcessResult:
    """Run ``argv`` (no shell) to completion within ``timeout`` seconds of wall-clock time.

    Args:
        argv: program and arguments; ffmpeg commands should write ``-progress pipe:1``.
        timeout: wall-clock limit; the whole process group is killed when it runs out.
        duration: media duration in seconds, to turn ffmpeg's ``out_time`` into a fraction.
        on_progress: awaited with 0..1 at most every 0.5 s, and with 1.0 once on success.
        capture_stdout: keep stdout (e.g. ffprobe JSON) instead of parsing it as progress.
        check: raise on a non-zero exit (callers that classify failures pass False).

    Raises:
        MediaProcessingFailed: ``ffmpeg_timeout``, or ``ffmpeg_failed`` on a non-zero exit.
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_death_signal_preexec(),
    )
    _live_groups.add(proc.pid)
    parser = None if capture_stdout else _ProgressParser(duration, on_progress)
    stdout = bytearray() if capture_stdout else None
    stderr_tail = bytearray()
    assert proc.stdout is not None and proc.stderr is not None
    try:
        # asyncio.timeout, not wait_for: the gather is awaited here, so an exception from one of
        # its parts (a failing progress callback) is always retrieved, never left on the future.
        async with asyncio.timeout(timeout):
            await asyncio.gather(
                _read_stdout(proc.stdout, parser, stdout),
                _read_stderr_tail(proc.stderr, stderr_tail),
                proc.wait(),
            )
    except TimeoutError:
        await _kill_and_reap(proc)
        raise MediaProcessingFailed(
            f"{os.path.basename(argv[0])} did not finish within {timeout:.0f} s",
            error_code="ffmpeg_timeout",
        ) from None
    except BaseException:  # cancelled job, failing progress callback: never leave the child
        await _kill_and_reap(proc)
        raise
    finally:
        _live_groups.discard(proc.pid)

    result = ProcessResult(
        returncode=proc.returncode if proc.returncode is not None else -1,
        stdout=bytes(stdout or b""),
        stderr_tail=stderr_tail.decode("utf-8", "replace"),
    )
    if result.returncode != 0:
        if check:
            raise MediaProcessingFailed(
                f"{os.path.basename(argv[0])} exited with {result.returncode}: "
                f"{_without_paths(result.last_stderr_line, argv) or 'no error output'}",
                error_code="ffmpeg_failed",
            )
        return result
    if parser is not None:
        await parser.finish()
    return result


def _without_paths(line: str, argv: list[str]) -> str:
    """``line`` with the worker's temporary paths cut to file names: the message reaches owners."""
    for arg in sorted((a for a in argv if os.path.isabs(a)), key=len, reverse=True):
        line = line.replace(arg, os.path.basename(arg))
    return line
