"""Helpers shared by the benchmarks: paths, a throw-away database, /proc readings, a text table.

Linux only (the memory and CPU readings come from ``/proc``), like the rest of the tooling.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".var" / "bench"
MIB = 1024 * 1024


def require_env(*names: str) -> dict[str, str]:
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not set: run the benchmarks with `make bench`")
    return {name: os.environ[name] for name in names}


# -- a fresh database ------------------------------------------------------------------------------


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _admin(server_url: str, sql: str) -> None:
    import asyncpg

    base, _, _ = server_url.rpartition("/")

    async def run() -> None:
        conn = await asyncpg.connect(_plain(f"{base}/postgres"))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@contextmanager
def fresh_database(server_url: str, prefix: str = "cadenza_bench") -> Iterator[str]:
    """A brand-new database on the server of ``server_url``, migrated to head, dropped afterwards.

    Call it outside a running event loop: it drives asyncpg and Alembic's async env.py itself.
    """
    from alembic import command
    from alembic.config import Config

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    base, _, _ = server_url.rpartition("/")
    _admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        url = f"{base}/{name}"
        cfg = Config(str(ROOT / "alembic.ini"))
        cfg.set_main_option("script_location", str(ROOT / "migrations"))
        cfg.attributes["database_url"] = url
        cfg.attributes["configure_logger"] = False
        command.upgrade(cfg, "head")
        yield url
    finally:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- /proc -----------------------------------------------------------------------------------------


def proc_memory(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` (peak RSS) of ``pid``, in bytes."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024  # reported in kB
    return values


def reset_peak_rss(pid: int) -> bool:
    """Reset ``VmHWM`` to the current RSS (``echo 5 > /proc/PID/clear_refs``); ``False`` if refused."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def proc_cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of ``pid`` (all its threads) so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks  # utime, stime


def _cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as cmd:
        return [part.decode(errors="replace") for part in cmd.read().split(b"\0") if part]


def find_process(root_pid: int, needle: str, timeout: float = 10.0) -> int:
    """The pid running ``needle`` at or under ``root_pid`` (a ``bash -c`` wrapper may exec it or fork it)."""
    deadline = time.monotonic() + timeout
    while True:
        queue = [root_pid]
        while queue:
            pid = queue.pop(0)
            try:
                if any(needle in Path(arg).name for arg in _cmdline(pid)[:2]):
                    return pid
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            queue.extend(int(child) for child in children)
        if time.monotonic() > deadline:
            raise RuntimeError(f"no process running {needle!r} under pid {root_pid}")
        time.sleep(0.1)


class RssSampler:
    """Polls ``VmRSS`` of a process from a thread: a cross-check of the kernel's ``VmHWM``."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, proc_memory(self.pid)["VmRSS"])
            except OSError:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- output ----------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *map(line, cells[1:])])
