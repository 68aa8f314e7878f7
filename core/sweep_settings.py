"""How long leftovers are kept before the sweeper (``workers.sweeper``) removes them.

``core.settings`` calls ``sweep_settings_from_env`` and reports its ValueError as a
configuration error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True, slots=True)
class SweepSettings:
    #: One sweep this often (``SWEEP_INTERVAL_SECONDS``).
    interval_seconds: int = 300
    #: A dead worker's temporary directory untouched this long is removed (``SWEEP_WORKDIR_AGE_SECONDS``).
    workdir_age_seconds: int = 15 * 60
    #: A store part file untouched this long is removed (``SWEEP_PART_FILE_AGE_SECONDS``).
    part_file_age_seconds: int = HOUR
    #: Published outbox rows are kept this long after sending (``OUTBOX_RETENTION_SECONDS``).
    outbox_retention_seconds: int = 7 * DAY
    #: Spent account and refresh tokens are kept this long after use, revocation or expiry
    #: (``TOKEN_RETENTION_SECONDS``).
    token_retention_seconds: int = DAY


def sweep_settings_from_env(env: Mapping[str, str]) -> SweepSettings:
    """Raises ValueError naming the variable for a value that is not a whole number of seconds ≥ 1."""
    return SweepSettings(
        interval_seconds=_seconds(env, "SWEEP_INTERVAL_SECONDS", 300),
        workdir_age_seconds=_seconds(env, "SWEEP_WORKDIR_AGE_SECONDS", 15 * 60),
        part_file_age_seconds=_seconds(env, "SWEEP_PART_FILE_AGE_SECONDS", HOUR),
        outbox_retention_seconds=_seconds(env, "OUTBOX_RETENTION_SECONDS", 7 * DAY),
        token_retention_seconds=_seconds(env, "TOKEN_RETENTION_SECONDS", DAY),
    )


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of seconds, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value
