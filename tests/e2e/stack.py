"""Run the real processes of the Procfile (web, relay, one worker group per queue) for tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_commands(path: Path = ROOT / "Procfile") -> dict[str, str]:
    commands = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line.strip())
        if match:
            commands[match.group(1)] = match.group(2)
    return commands


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: Each worker group's Prometheus port (the Procfile's ``<QUEUE>_METRICS_PORT``), free ones.
    metrics_ports: dict[str, int] = field(
        default_factory=lambda: {queue: free_port() for queue in ("ingest", "transcode", "images", "notify")}
    )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def metrics_url(self, queue: str) -> str:
        return f"http://127.0.0.1:{self.metrics_ports[queue]}/metrics"

    def process_env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update(self.env)
        env.update({"PORT": str(self.port), "PUBLIC_BASE_URL": self.base_url, "PYTHONUNBUFFERED": "1"})
        env.update({f"{queue.upper()}_METRICS_PORT": str(port) for queue, port in self.metrics_ports.items()})
        env.update(overrides)
        return env

    def start(self, names: list[str] | None = None) -> Stack:
        commands = procfile_commands()
        for name in names or list(commands):
            self.start_process(name, commands[name])
        self.wait_ready()
        return self

    def start_process(
        self, name: str, command: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        command = command or procfile_commands()[name]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=self.process_env(**(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = proc
        return proc

    def start_web_replica(self, name: str) -> str:
        """Another ``web`` process (the Procfile's line) on a port of its own; returns its URL.
        Replicas share the stack's database and Redis, as several web servers in production do."""
        port = free_port()
        self.start_process(name, procfile_commands()["web"], env={"PORT": str(port)})
        url = f"http://127.0.0.1:{port}"
        self.wait_ready(url=url)
        return url

    def wait_ready(self, timeout: float = 30.0, url: str | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.logs(name)}")
            try:
                if httpx.get(f"{url or self.base_url}/health/ready", timeout=2).status_code == 200:
                    time.sleep(0.5)  # let the workers finish booting too
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"stack not ready after {timeout}s:\n{self.logs('web')}")

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            # Signal the leader only: Dramatiq's main process forwards SIGTERM to its workers
            # itself, and a second copy sent straight to them stalls their shutdown.
            (os.killpg if sig == signal.SIGKILL else os.kill)(proc.pid, sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every process at once, then wait for them: stopped one after another, a stack's
        teardown took the sum of its processes' graceful shutdowns (over 20 s for some stacks)."""
        running = {name: proc for name, proc in self.processes.items() if proc.poll() is None}
        self.processes.clear()
        for proc in running.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)  # the leader only: see stop_process
        deadline = time.monotonic() + timeout
        for proc in running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)

    def logs(self, name: str, tail: int = 60) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-tail:])

    def all_logs(self) -> str:
        names = list(procfile_commands()) + [n for n in self.processes if n not in procfile_commands()]
        return "\n".join(f"===== {name}\n{self.logs(name)}" for name in names)
