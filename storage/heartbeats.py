"""Worker heartbeats in Redis: one key per live worker process, expiring when it falls silent.

Workers write them (``workers.heartbeat_writer``); the relay's reaper and the admin API read them. The
key is ``cadenza:workers:{host:pid}`` with a TTL of ``HEARTBEAT_TIMEOUT_SECONDS``; its value is
the JSON of ``WorkerHeartbeat``. Every timestamp in it comes from the worker's own clock, like
the ``started_at`` it writes on the steps it claims, so the two can be compared.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from core.redis_keys import HEARTBEAT_PREFIX, heartbeat_key

_SCAN_BATCH = 200


@dataclass(frozen=True, slots=True)
class RunningStep:
    """A task one of the worker's threads is working on, since it took the message.

    For a pipeline step, ``job_id`` and ``step`` name it; for another task (``profile_photo``,
    ``send_mail``), ``step`` is the task's name and ``job_id`` its subject (``Task.subject``).
    """

    job_id: str
    step: str
    since: dt.datetime


@dataclass(frozen=True, slots=True)
class WorkerHeartbeat:
    worker: str
    host: str
    pid: int
    queues: tuple[str, ...]
    started_at: dt.datetime
    #: When this value was written (the snapshot of ``current`` was taken at that instant).
    beat_at: dt.datetime
    processed: int
    #: SIGTERM received: finishing or handing back its steps, taking no new ones.
    stopping: bool
    current: tuple[RunningStep, ...]

    def runs(self, job_id: str, step: str) -> bool:
        return any(s.job_id == job_id and s.step == step for s in self.current)

    def to_json(self) -> str:
        return json.dumps(
            {
                "worker": self.worker,
                "host": self.host,
                "pid": self.pid,
                "queues": list(self.queues),
                "started_at": self.started_at.isoformat(),
                "beat_at": self.beat_at.isoformat(),
                "processed": self.processed,
                "stopping": self.stopping,
                "current": [{"job_id": s.job_id, "step": s.step, "since": s.since.isoformat()} for s in self.current],
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> WorkerHeartbeat | None:
        """The heartbeat, or None for a value this version cannot read."""
        try:
            data: dict[str, Any] = json.loads(raw)
            return cls(
                worker=str(data["worker"]),
                host=str(data["host"]),
                pid=int(data["pid"]),
                queues=tuple(str(q) for q in data["queues"]),
                started_at=dt.datetime.fromisoformat(data["started_at"]),
                beat_at=dt.datetime.fromisoformat(data["beat_at"]),
                processed=int(data["processed"]),
                stopping=bool(data.get("stopping", False)),
                current=tuple(
                    RunningStep(
                        job_id=str(s["job_id"]), step=str(s["step"]), since=dt.datetime.fromisoformat(s["since"])
                    )
                    for s in data["current"]
                ),
            )
        except (ValueError, KeyError, TypeError):
            return None


async def read_heartbeats(redis: Redis, workers: Iterable[str]) -> dict[str, WorkerHeartbeat]:
    """The live heartbeats of ``workers`` (absent or unreadable ones are left out)."""
    names = sorted(set(workers))
    if not names:
        return {}
    values = await redis.mget([heartbeat_key(name) for name in names])
    beats = {}
    for name, raw in zip(names, values, strict=True):
        beat = WorkerHeartbeat.from_json(raw) if raw is not None else None
        if beat is not None:
            beats[name] = beat
    return beats


async def live_workers(redis: Redis) -> list[WorkerHeartbeat]:
    """Every worker process whose heartbeat has not expired, by queue then worker id."""
    names = [
        (key.decode() if isinstance(key, bytes) else key).removeprefix(HEARTBEAT_PREFIX)
        async for key in redis.scan_iter(match=f"{HEARTBEAT_PREFIX}*", count=_SCAN_BATCH)
    ]
    beats = await read_heartbeats(redis, names)
    return sorted(beats.values(), key=lambda b: (b.queues, b.worker))
