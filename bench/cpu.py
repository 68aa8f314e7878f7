"""CPU seconds of whole process trees (a server with its workers; PostgreSQL with its backends).

On a machine shared with other work, requests per second say how much CPU a server was given as
much as how fast it is; CPU milliseconds per request, read from ``/proc``, say the latter.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.common import proc_cpu_seconds


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids.append(current)
        queue.extend(int(child) for child in children)
    return pids


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU of the tree, including children the root has reaped (ended backends)."""
    total = _reaped_children_seconds(pid)
    for member in tree(pid):
        try:
            total += sum(proc_cpu_seconds(member))
        except OSError:
            pass  # ended meanwhile
    return total


def _reaped_children_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime


def postmaster_pid() -> int | None:
    """The PostgreSQL server of ``make bench``/``make test`` (``$CADENZA_VAR_DIR/pg/data``), if found."""
    var_dir = os.environ.get("CADENZA_VAR_DIR")
    pid_file = Path(var_dir or "", "pg", "data", "postmaster.pid")
    try:
        return int(pid_file.read_text().split()[0]) if var_dir else None
    except (OSError, ValueError, IndexError):
        return None
