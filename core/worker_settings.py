"""Worker liveness and shutdown timings, parsed from the environment.

``core.settings`` calls ``worker_settings_from_env`` and reports its ValueError as a
configuration error; this module only holds the numbers and their rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    #: Every worker process writes its heartbeat this often.
    heartbeat_interval_seconds: int = 5
    #: A heartbeat expires after this long; a step whose worker stays silent is reaped.
    heartbeat_timeout_seconds: int = 30
    #: On SIGTERM a running step gets this long to finish before it is handed back.
    shutdown_grace_seconds: int = 10
    #: Port of this worker group's Prometheus exposition server (``WORKER_METRICS_PORT``); 0: none.
    metrics_port: int = 0


def worker_settings_from_env(env: Mapping[str, str]) -> WorkerSettings:
    """``HEARTBEAT_INTERVAL_SECONDS``, ``HEARTBEAT_TIMEOUT_SECONDS``, ``WORKER_SHUTDOWN_GRACE_SECONDS``.

    Raises:
        ValueError: naming the variable; the timeout must be at least twice the interval so
            that one late heartbeat never makes a live worker look dead.
    """
    interval = _seconds(env, "HEARTBEAT_INTERVAL_SECONDS", 5, minimum=1)
    timeout = _seconds(env, "HEARTBEAT_TIMEOUT_SECONDS", 30, minimum=1)
    if timeout < 2 * interval:
        raise ValueError(
            f"HEARTBEAT_TIMEOUT_SECONDS ({timeout}) must be at least twice HEARTBEAT_INTERVAL_SECONDS ({interval})"
        )
    grace = _seconds(env, "WORKER_SHUTDOWN_GRACE_SECONDS", 10, minimum=0)
    port = _seconds(env, "WORKER_METRICS_PORT", 0, minimum=0)
    if port > 65535:
        raise ValueError(f"WORKER_METRICS_PORT must be a port number (0 for none), not {port}")
    return WorkerSettings(
        heartbeat_interval_seconds=interval,
        heartbeat_timeout_seconds=timeout,
        shutdown_grace_seconds=grace,
        metrics_port=port,
    )


def _seconds(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of seconds, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value
