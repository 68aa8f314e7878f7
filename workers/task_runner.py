"""Running a task that is not a pipeline step (profile photo, mail): what every such actor shares.

The counterpart of ``workers.steps.run_step`` for tasks without a job: while the handler runs the
task is listed in this worker's heartbeat (``{job_id: <subject>, step: <task>}``); its outbox row
is marked taken first, so broker-loss recovery (``jobs.recovery``) leaves it alone; and on
SIGTERM, once the grace period is over, the handler is cancelled and the task handed back: a new
outbox row with the same arguments, due at once, the attempt not spent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.transient import TRANSIENT_ERRORS, is_data_error
from jobs.tasks import Task, enqueue, mark_taken
from workers.deferral import Deferred
from workers.inflight import IN_FLIGHT, HandedBack
from workers.runtime import WorkerContext, get_context

log = logging.getLogger("cadenza.worker")

TaskHandler = Callable[[Any], Awaitable[None]]


async def run_task(task: Task[Any], args: Any, handler: TaskHandler) -> None:
    ctx = await get_context()
    subject = task.subject(args)
    entry = IN_FLIGHT.begin(subject, task.name)
    try:
        await _mark_taken(ctx, task, args)
        try:
            await entry.run(handler(args))
        except HandedBack:
            await _hand_back(ctx, task, args)
        except TRANSIENT_ERRORS as exc:
            # The handler records its own faults through the outbox; one that escapes it met the
            # database or Redis down before anything was recorded (its row is already marked
            # taken, so only the broker can bring the message back).
            if is_data_error(exc):
                raise
            error = type(exc).__name__
            log.warning("task deferred; the message will come back", extra={"task": task.name, "error": error})
            raise Deferred(f"{task.name} deferred: {type(exc).__name__}") from exc
    finally:
        IN_FLIGHT.end(entry)


async def _mark_taken(ctx: WorkerContext, task: Task[Any], args: Any) -> None:
    """Best effort: a row left untaken is only sent again after a broker loss (idempotent tasks)."""
    try:
        async with ctx.sessions.begin() as session:
            await mark_taken(session, task, args)
    except TRANSIENT_ERRORS as exc:
        log.warning("task not marked taken", extra={"task": task.name, "error": type(exc).__name__})


async def _hand_back(ctx: WorkerContext, task: Task[Any], args: Any) -> None:
    """Raises the database's error when the row cannot be written: Dramatiq's retries for the
    task (``Task.broker_retries``) are then all that is left."""
    async with ctx.sessions.begin() as session:
        enqueue(session, task, args)
    log.warning("worker stopping; task handed back", extra={"task": task.name, "subject": task.subject(args)})
