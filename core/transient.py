"""The one tuple of errors that mean "a dependency is briefly unavailable: try again later".

A step or task that meets one is retried with backoff (``transient_failure``); the relay, the
reaper and the broker watcher skip a round. Redis, PostgreSQL (through SQLAlchemy: connection
errors and server-side failures alike) and the network (refused, reset, timed out).
"""

from __future__ import annotations

from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    RedisError,
    OperationalError,
    DBAPIError,
    OSError,  # ConnectionError and TimeoutError are OSErrors
)
