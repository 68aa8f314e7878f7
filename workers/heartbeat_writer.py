"""Worker heartbeats: each worker process says it is alive, and what it runs, every few seconds.

A daemon thread with its own (synchronous) Redis client writes ``cadenza:workers:{host:pid}``
with a TTL of ``HEARTBEAT_TIMEOUT_SECONDS``. A thread rather than a task on the actors' event
loop: the heartbeat stands for the *process* being alive, and must not stop while a handler
holds the loop. A Redis outage only skips beats (logged once); it never stops the worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

import dramatiq
import redis

from core.ids import utcnow
from core.transient import TRANSIENT_ERRORS
from core.worker_settings import WorkerSettings
from storage.heartbeats import WorkerHeartbeat, heartbeat_key
from workers.inflight import IN_FLIGHT, InFlight
from workers.runtime import worker_name

log = logging.getLogger("cadenza.worker")


class HeartbeatThread(threading.Thread):
    def __init__(
        self, redis_url: str, settings: WorkerSettings, queues: tuple[str, ...], inflight: InFlight = IN_FLIGHT
    ) -> None:
        super().__init__(name="cadenza-heartbeat", daemon=True)
        self.settings = settings
        self.queues = queues
        self.inflight = inflight
        self.worker = worker_name()
        self.started_at = utcnow()
        self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._failing = False

    def run(self) -> None:
        while not self._stopping.is_set():
            self.beat()
            self._wake.wait(self.settings.heartbeat_interval_seconds)
            self._wake.clear()

    def beat_now(self) -> None:
        """Write the next beat at once (e.g. to show ``stopping`` without waiting an interval)."""
        self._wake.set()

    def beat(self) -> None:
        now, current, processed, stopping = self.inflight.snapshot()
        value = WorkerHeartbeat(
            worker=self.worker,
            host=socket.gethostname(),
            pid=os.getpid(),
            queues=self.queues,
            started_at=self.started_at,
            beat_at=now,
            processed=processed,
            stopping=stopping,
            current=current,
        )
        try:
            self._redis.set(heartbeat_key(self.worker), value.to_json(), ex=self.settings.heartbeat_timeout_seconds)
        except TRANSIENT_ERRORS as exc:
            if not self._failing:
                log.warning("heartbeat not written; retrying every interval", extra={"error": type(exc).__name__})
            self._failing = True
            return
        if self._failing:
            log.info("heartbeat written again")
        self._failing = False

    def stop(self) -> None:
        """Stop beating and remove the key: the worker is gone, no need to wait for it to expire."""
        self._stopping.set()
        self._wake.set()
        self.join(timeout=5)
        try:
            self._redis.delete(heartbeat_key(self.worker))
        except TRANSIENT_ERRORS as exc:
            log.warning("heartbeat key not removed; it expires by itself", extra={"error": type(exc).__name__})
        finally:
            self._redis.close()


class Heartbeat(dramatiq.Middleware):
    """Starts the heartbeat thread when the worker boots, removes the key when it stops."""

    def __init__(self, redis_url: str, settings: WorkerSettings) -> None:
        self.redis_url = redis_url
        self.settings = settings
        self.thread: HeartbeatThread | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        queues = tuple(sorted(worker.consumer_whitelist or broker.get_declared_queues()))
        self.thread = HeartbeatThread(self.redis_url, self.settings, queues)
        self.thread.start()
        log.info("heartbeat started", extra={"worker": self.thread.worker, "queues": list(queues)})

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        IN_FLIGHT.mark_stopping()
        if self.thread is not None:
            self.thread.beat_now()

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None
