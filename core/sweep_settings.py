"""How long leftovers are kept before the sweeper (``workers.sweeper``) removes them.

``core.settings`` reads each from the environment variable named beside it (whole seconds, ≥ 1).
"""

from __future__ import annotations

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
    #: Settled webhook deliveries (succeeded, or failed for good) are kept this long after their
    #: last attempt: the log a user reads (``WEBHOOK_DELIVERY_RETENTION_SECONDS``).
    webhook_delivery_retention_seconds: int = 30 * DAY
