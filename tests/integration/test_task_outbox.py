"""A task's arguments travel as its struct, by name: outbox row → relay → Dramatiq message → actor."""

from __future__ import annotations

import uuid
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import new_id, utcnow
from core.queues import QUEUES
from jobs.tasks import PROFILE_PHOTO, SEND_MAIL, MailArgs, PhotoArgs, Task, enqueue
from storage.models.jobs import OutboxMessage
from workers import actors
from workers.relay import Relay


@pytest.fixture
def broker() -> StubBroker:
    stub = StubBroker()
    for queue in QUEUES:
        stub.declare_queue(queue)
    return stub


def _taken_messages(broker: StubBroker, queue: str) -> list[dramatiq.Message]:
    waiting = broker.queues[queue]
    messages = []
    while not waiting.empty():
        messages.append(dramatiq.Message.decode(waiting.get_nowait()))
    return messages


@pytest.mark.parametrize(
    ("task", "args"),
    [
        (PROFILE_PHOTO, PhotoArgs(uuid.UUID(int=42), "upload-9", utcnow(), attempt=1)),
        (SEND_MAIL, MailArgs("reset_password", new_id().hex, attempt=3)),
    ],
)
async def test_arguments_round_trip_through_the_outbox_and_the_relay(
    task: Task[Any],
    args: Any,
    sessions: async_sessionmaker[AsyncSession],
    broker: StubBroker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an outbox row written from the task and its struct
    async with sessions.begin() as session:
        row_id = enqueue(session, task, args).message_id
    async with sessions() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.message_id == row_id))).scalar_one()
    assert row.args == task.encode(args) and isinstance(row.args, dict)  # named, not positional
    assert (row.queue_name, row.actor_name) == (task.queue, task.name)

    # When the relay publishes it
    await Relay(sessions, broker, dsn="").publish_batch()
    (message,) = [m for m in _taken_messages(broker, task.queue) if m.message_id == str(row_id)]
    assert (message.args, message.kwargs) == ((), task.encode(args))

    # Then the actor's function hands its handler the very same struct
    seen: list[tuple[str, Any]] = []

    async def run_task(run: Task[Any], decoded: Any, _: object) -> None:
        seen.append((run.name, decoded))

    monkeypatch.setattr(actors, "run_task", run_task)
    await actors.task_function(task)(*message.args, **message.kwargs)
    assert seen == [(task.name, args)]
