"""A message taken while the database (or Redis, or the object store) is briefly unavailable.

Dramatiq's own retries are off (``Retries(max_retries=0)``): a step's faults go back through the
outbox with the task's backoff. That needs the database, so a fault at claim time (before the
step is ``running``) cannot be recorded there, and before this the message was dead-lettered
with its step left ``queued`` for good. ``run_step`` and ``run_task`` raise ``Deferred`` then,
and every actor's ``retry_when`` (``workers.actors``) puts the message back on the broker after
1 s, 2 s, 4 s, … up to a minute, for about an hour of outage; a message redelivered this way is
harmless (only one message can claim a queued step).
"""

from __future__ import annotations

#: Dramatiq's backoff for a deferred message, in milliseconds (its ``min_backoff``/``max_backoff``).
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 60_000
#: Retries of one deferred message: 1 + 2 + … + 32 s, then a minute each, about an hour in all.
MAX_DEFERRALS = 60


class Deferred(Exception):
    """The message met a transient fault before any state could record it: deliver it again later."""


def retry_when(broker_retries: int):  # noqa: ANN201 - Dramatiq's (retries, exception) -> bool
    """Dramatiq's ``retry_when`` for a task: a deferred message comes back (up to ``MAX_DEFERRALS``
    times); any other failure gets the task's own ``broker_retries`` (0: dead-lettered)."""

    def should_retry(retries: int, exception: BaseException) -> bool:
        if isinstance(exception, Deferred):
            return retries < MAX_DEFERRALS
        return retries < broker_retries

    return should_retry
