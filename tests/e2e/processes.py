"""Processes seen through /proc, and private Redis and PostgreSQL servers a test may stop (e2e helpers)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.e2e.stack import ROOT, free_port


def state_and_parent(pid: int) -> tuple[str, int] | None:
    """(state letter, ppid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name in parentheses may contain spaces
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Running: present and not a zombie (a zombie runs nothing, it only waits to be reaped)."""
    found = state_and_parent(pid)
    return found is not None and found[0] not in ("Z", "X")


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := state_and_parent(int(entry))) is not None and info[1] == pid:
            if alive(int(entry)):
                found.append(int(entry))
    return found


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except FileNotFoundError:
        return ""


@dataclass
class RedisServer:
    """A private ``redis-server`` without persistence, which a test may kill and restart."""

    directory: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        args = ["--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory)]
        with (self.directory / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                ["redis-server", *args, "--save", "", "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT
            )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        self.kill()
        raise RuntimeError(f"redis-server did not start:\n{(self.directory / 'redis.log').read_text()}")

    def kill(self) -> None:
        """SIGKILL, as an outage would: no shutdown, nothing saved."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


def running_redis(directory: Path) -> Iterator[RedisServer]:
    """A started ``RedisServer``, killed afterwards (the body of a module fixture)."""
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def private_redis(directory: Path) -> Iterator[str]:
    """A ``redis-server`` of the caller's own (no persistence); yields its URL.

    A stack that must not lose a message to another stack's workers runs on a server of its own.
    """
    server = RedisServer(directory)
    server.start()
    try:
        yield server.url
    finally:
        server.kill()


@contextmanager
def private_services() -> Iterator[tuple[Path, dict[str, str]]]:
    """A PostgreSQL and Redis of the caller's own (``scripts/services.sh``): (directory, services.env).

    Not under pytest's temporary directory: another pytest session starting meanwhile makes
    that 0700 again, and the 'postgres' user could no longer reach its data for a restart.
    """
    directory = Path(tempfile.mkdtemp(prefix="cadenza-services-"))
    try:
        _services(directory, "start")
        lines = (directory / "services.env").read_text().splitlines()
        env = dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
        yield directory, env
    finally:
        _services(directory, "stop")
        shutil.rmtree(directory, ignore_errors=True)


def restart_postgres(directory: Path, bindir: str) -> None:
    """``pg_ctl restart`` (fast shutdown) of the PostgreSQL of ``private_services``: same port, same data."""
    pg = directory / "pg"
    cmd = [f"{bindir}/pg_ctl", "restart", "-D", str(pg / "data"), "-m", "fast", "-w", "-t", "60", "-l", str(pg / "log")]
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root; services.sh runs it as 'postgres' too
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, cwd="/", stdout=subprocess.DEVNULL)


def _services(directory: Path, command: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "services.sh"), command, str(directory)],
        check=True,
        env={**os.environ, "CADENZA_PG_FAST": "1"},
        stdout=subprocess.DEVNULL,
    )


def stop_postgres(directory: Path, bindir: str) -> None:
    """``pg_ctl stop`` (fast) of the PostgreSQL of ``private_services``; ``start_postgres`` brings it back."""
    _pg_ctl(directory, bindir, "stop", "-m", "fast")


def start_postgres(directory: Path, bindir: str) -> None:
    """Start it again with the options it last ran with (``postmaster.opts``: port, socket dir…)."""
    words = shlex.split((directory / "pg" / "data" / "postmaster.opts").read_text())[1:]
    options = [w for i, w in enumerate(words) if w != "-D" and (i == 0 or words[i - 1] != "-D")]
    _pg_ctl(directory, bindir, "start", "-o", shlex.join(options))


def _pg_ctl(directory: Path, bindir: str, *args: str) -> None:
    pg = directory / "pg"
    log = ["-l", str(pg / "log")] if args[0] == "start" else []
    cmd = [f"{bindir}/pg_ctl", *args, "-D", str(pg / "data"), "-w", "-t", "60", *log]
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, cwd="/", stdout=subprocess.DEVNULL)
