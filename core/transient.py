"""The one tuple of errors that mean "a dependency is briefly unavailable: try again later".

A step or task that meets one is retried with backoff (``transient_failure``); the relay, the
reaper and the broker watcher skip a round. Redis, PostgreSQL (through SQLAlchemy: connection
errors and server-side failures alike) and the network (refused, reset, timed out).

A data error (SQLSTATE class 22, "data exception", e.g. 22001 value too long; class 23,
"integrity constraint violation") is a ``DBAPIError`` too, but retrying writes the same value
again: ``is_transient`` says no to it, and ``is_data_error`` names it.
"""

from __future__ import annotations

from redis.exceptions import RedisError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    RedisError,
    OperationalError,
    DBAPIError,
    OSError,  # ConnectionError and TimeoutError are OSErrors
)

#: SQLSTATE classes of errors in the data itself: the same statement fails the same way again.
DATA_ERROR_CLASSES = frozenset({"22", "23"})


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (asyncpg's, as wrapped by SQLAlchemy), else None."""
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str) and code:
            return code
    return None


def is_data_error(exc: BaseException) -> bool:
    """A database error caused by the data written (SQLSTATE class 22 or 23): never transient."""
    if isinstance(exc, (DataError, IntegrityError)):
        return True
    code = sqlstate(exc) if isinstance(exc, DBAPIError) else None
    return code is not None and code[:2] in DATA_ERROR_CLASSES


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed: one of ``TRANSIENT_ERRORS`` and not a data error."""
    return isinstance(exc, TRANSIENT_ERRORS) and not is_data_error(exc)
