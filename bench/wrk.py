"""Run ``wrk`` (the HTTP load generator from Debian) and read its summary."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True, slots=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, and socket errors


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str] | None = None) -> Load:
    """``wrk -t2 -c<connections> -d<seconds>s --latency`` against ``url``."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk; scripts/bench.sh does it as root)")
    cmd = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    return parse(out)


def parse(out: str) -> Load:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no {percent}% latency in wrk's output:\n{out}")
        return float(match.group(1)) * _UNITS[match.group(2)]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
    if rate is None:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0)
    return Load(float(rate.group(1)), latency("50"), latency("99"), errors)
