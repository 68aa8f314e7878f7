"""Idle consumers wait on the queue's doorbell: a message enqueued while they wait is fetched at once.

Dramatiq's own fetch returns nothing on an empty queue and the consumer then sleeps a back-off;
here the wait is made an hour long, so only the doorbell can hand the consumer its message.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import dramatiq
import pytest

from workers import doorbell
from workers.doorbell import DOORBELL_MAX_TOKENS, DoorbellRedisBroker


@pytest.fixture
def broker(redis_url: str) -> Iterator[DoorbellRedisBroker]:
    broker = DoorbellRedisBroker(url=redis_url, middleware=[], namespace=f"doorbell-{uuid.uuid4().hex[:8]}")
    broker.declare_queue("ingest")
    yield broker
    broker.flush_all()
    broker.client.delete(broker.doorbell_key("ingest"))
    broker.close()


def message(queue: str = "ingest") -> dramatiq.Message:
    return dramatiq.Message(queue_name=queue, actor_name="probe", args=("job",), kwargs={}, options={})


def test_a_waiting_consumer_gets_a_message_enqueued_meanwhile(
    broker: DoorbellRedisBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doorbell, "DOORBELL_WAIT_SECONDS", 3600)
    fetched: list[object] = []
    waiting = threading.Thread(target=lambda: fetched.extend(broker.do_fetch("ingest", 1)), daemon=True)

    # Given a consumer fetching from an empty queue
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive()  # it waits on the doorbell instead of returning empty-handed
    # When a message is enqueued
    sent = broker.enqueue(message())
    # Then the waiting fetch returns it (a liveness bound far below the hour-long wait)
    waiting.join(30)
    assert not waiting.is_alive()
    assert len(fetched) == 1 and sent.message_id.encode() in fetched[0]  # type: ignore[operator]


def test_the_doorbell_stays_small_and_expires(broker: DoorbellRedisBroker) -> None:
    for _ in range(DOORBELL_MAX_TOKENS + 20):
        broker.enqueue(message())

    key = broker.doorbell_key("ingest")
    assert broker.client.llen(key) == DOORBELL_MAX_TOKENS
    assert 0 < broker.client.ttl(key) <= doorbell.DOORBELL_TTL_SECONDS
    assert len(broker.do_fetch("ingest", 200)) == DOORBELL_MAX_TOKENS + 20  # every message is there


def test_a_delayed_message_rings_no_bell(broker: DoorbellRedisBroker) -> None:
    broker.enqueue(message(), delay=60_000)

    assert broker.client.llen(broker.doorbell_key("ingest")) == 0
