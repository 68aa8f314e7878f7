"""Publish again the work whose broker messages may have been lost.

A message that was published (its outbox row sent) but not yet taken by a worker lives only in
Redis. If Redis loses its data (a restart without persistence, a failover, a flush), nothing
would ever do that work. ``workers.broker_watch`` notices the loss and calls
``republish_unclaimed``, which writes new outbox rows for:

- pipeline steps ``queued`` with ``enqueued_at`` set and no pending row: only one message can
  claim a queued step (``jobs.lifecycle.claim_step``), so an extra copy is harmless;
- rows of the other tasks (profile photo, mail) sent and never taken (``taken_at``, set by the
  worker when it takes the message): each such task is idempotent (a photo renders only for the
  current upload; a mail is built from the database at send time and marked sent in Redis).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.ids import utcnow
from jobs.lifecycle import send_step
from jobs.tasks import TASKS, enqueue
from storage.repositories.outbox import OutboxRepository


@dataclass(frozen=True, slots=True)
class Republished:
    task: str
    #: What the task works on (``Task.subject``): the job id of a step, the user of a photo…
    subject: str


async def republish_unclaimed(session: AsyncSession) -> list[Republished]:
    """Give every published, untaken piece of work a new outbox row (the relay publishes it).

    Work whose outbox row is still pending is left alone: the relay has not published it yet.
    """
    now = utcnow()
    outbox = OutboxRepository(session)
    done = await republish_stale_steps(session, now)
    names = sorted(t.name for t in TASKS if not t.is_step)
    for row in await outbox.sent_untaken(names):
        task = TASKS.get(row.actor_name)
        args = task.decode(row.args)
        row.taken_at = now  # replaced by the new row, which is what a worker will take
        enqueue(session, task, args)
        done.append(Republished(task.name, task.subject(args)))
    return done



async def republish_stale_steps(session: AsyncSession, enqueued_before: dt.datetime) -> list[Republished]:
    """Send again every step still ``queued`` whose message was published before ``enqueued_before``.

    The reaper calls it with a bound far beyond any normal wait: a message that never led to a
    claim (dead-lettered after a long database outage, lost some other way) is not waited for
    for ever; a copy that does arrive meanwhile claims nothing.
    """
    now = utcnow()
    done = []
    for step in await OutboxRepository(session).published_unclaimed_steps(enqueued_before):
        send_step(session, step, step.job_id, now)
        done.append(Republished(step.name, str(step.job_id)))
    return done


__all__ = ["Republished", "republish_stale_steps", "republish_unclaimed"]
