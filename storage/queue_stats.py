"""What each work queue holds right now and how it did in the last hour.

Redis (Dramatiq's keys) says what is waiting, in flight and dead; PostgreSQL says what is delayed
(outbox rows due later: retries with backoff, or rows not yet published while Redis is down) and
how steps went. Used by the API's ``/metrics`` and by the operators' queue views; it reads only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from redis.asyncio import Redis
from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.ids import utcnow
from core.queues import QUEUES
from core.redis_keys import BROKER_ACKS_PATTERN, broker_queue_key
from storage.models.jobs import JobStep, OutboxMessage, StepState


@dataclass(slots=True)
class QueueStats:
    queue: str
    waiting: int = 0  # in the broker, not yet taken by a worker
    in_flight: int = 0  # taken by a worker, not acknowledged
    dead_letters: int = 0  # Dramatiq's dead-letter set for the queue
    delayed: int = 0  # outbox rows not yet published (due later, or the broker was unreachable)
    done_last_hour: int = 0
    failed_last_hour: int = 0
    p50_seconds: float | None = None  # step run time, steps finished in the last hour
    p95_seconds: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def broker_depths(redis: Redis, queues: tuple[str, ...] = QUEUES) -> dict[str, tuple[int, int, int]]:
    """``{queue: (waiting, in_flight, dead_letters)}`` from Dramatiq's Redis keys."""
    in_flight = dict.fromkeys(queues, 0)
    # Acks sets are per worker process and queue: cadenza:__acks__.<worker id>.<queue>
    async for key in redis.scan_iter(match=BROKER_ACKS_PATTERN, count=500):
        name = key.decode() if isinstance(key, bytes) else key
        queue = name.rsplit(".", 1)[-1]
        if queue in in_flight:
            in_flight[queue] += int(await redis.scard(name))
    async with redis.pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.llen(broker_queue_key(queue))
            pipe.zcard(broker_queue_key(queue, ".XQ"))
        counts = await pipe.execute()
    return {q: (int(counts[2 * i]), in_flight[q], int(counts[2 * i + 1])) for i, q in enumerate(queues)}


async def step_stats(session: AsyncSession, *, since: dt.datetime) -> dict[str, dict[str, object]]:
    """Per queue: steps finished since ``since`` (succeeded / failed) and run-time percentiles."""
    seconds = func.extract("epoch", JobStep.finished_at - JobStep.started_at)
    succeeded = JobStep.state == StepState.SUCCEEDED
    rows = await session.execute(
        select(
            JobStep.queue,
            func.count().filter(succeeded),
            func.count().filter(JobStep.state == StepState.FAILED),
            func.percentile_cont(0.5).within_group(case((succeeded, seconds))),
            func.percentile_cont(0.95).within_group(case((succeeded, seconds))),
        )
        .where(and_(JobStep.finished_at >= since, JobStep.started_at.is_not(None)))
        .group_by(JobStep.queue)
    )
    return {
        queue: {"done": done, "failed": failed, "p50": _round(p50), "p95": _round(p95)}
        for queue, done, failed, p50, p95 in rows
    }


async def delayed_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.queue_name, func.count())
        .where(OutboxMessage.sent_at.is_(None))
        .group_by(OutboxMessage.queue_name)
    )
    return {queue: count for queue, count in rows}


async def queue_stats(redis: Redis, session: AsyncSession, queues: tuple[str, ...] = QUEUES) -> list[QueueStats]:
    """Everything above, one row per queue. Raises ``RedisError`` when the broker is unreachable."""
    depths = await broker_depths(redis, queues)
    steps = await step_stats(session, since=utcnow() - dt.timedelta(hours=1))
    delayed = await delayed_counts(session)
    out = []
    for queue in queues:
        waiting, in_flight, dead = depths[queue]
        s = steps.get(queue, {})
        out.append(
            QueueStats(
                queue=queue,
                waiting=waiting,
                in_flight=in_flight,
                dead_letters=dead,
                delayed=delayed.get(queue, 0),
                done_last_hour=int(s.get("done", 0) or 0),  # type: ignore[call-overload]
                failed_last_hour=int(s.get("failed", 0) or 0),  # type: ignore[call-overload]
                p50_seconds=s.get("p50"),  # type: ignore[arg-type]
                p95_seconds=s.get("p95"),  # type: ignore[arg-type]
            )
        )
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)
