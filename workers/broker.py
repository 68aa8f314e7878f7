"""Broker setup from settings. Dramatiq's default is RabbitMQ, so the broker is always set explicitly."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, AsyncIO, Callbacks, Pipelines, Retries, ShutdownNotifications, TimeLimit

from core.redis_keys import BROKER_NAMESPACE
from core.settings import Settings
from workers.doorbell import DoorbellRedisBroker
from workers.heartbeat_writer import Heartbeat
from workers.metrics import WorkerMetrics
from workers.middleware import GracefulShutdown, OwnProcessGroup

#: A render may legitimately take hours; the ffmpeg runner enforces its own, duration-based limit.
ACTOR_TIME_LIMIT_MS = 6 * 3600 * 1000


def build_broker(settings: Settings, *, with_workers: bool = True) -> RedisBroker:
    """A Redis broker. ``with_workers`` adds the middleware only worker processes need."""
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=ACTOR_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=0),
    ]
    if with_workers:
        middleware += [
            AsyncIO(),
            GracefulShutdown(settings.workers.shutdown_grace_seconds),
            Heartbeat(settings.redis.url, settings.workers),
            OwnProcessGroup(),
            WorkerMetrics(settings.var_dir, settings.workers.metrics_port),
        ]
    # Idle consumers block on a per-queue doorbell instead of polling (workers.doorbell).
    broker = DoorbellRedisBroker(url=settings.redis.url, middleware=middleware, namespace=BROKER_NAMESPACE)
    dramatiq.set_broker(broker)
    return broker
