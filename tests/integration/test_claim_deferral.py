"""Issue 11 item 2: a step message taken while the database is down is not dropped.

Dramatiq's retries are off, so before the fix the claim's connection error reached Dramatiq,
which dead-lettered the message while the step stayed ``queued`` for good. Now the claim raises
``Deferred`` and the actor's ``retry_when`` sends the message back with backoff.
"""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from dramatiq.brokers.stub import StubBroker

from core.settings import Settings
from workers import runtime
from workers.actors import STEP_HANDLERS, declare_actors
from workers.deferral import MAX_DEFERRALS, Deferred
from workers.steps import run_step


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def ctx_without_database(settings: Settings) -> AsyncIterator[runtime.WorkerContext]:
    url = f"postgresql+asyncpg://cadenza:x@127.0.0.1:{_closed_port()}/cadenza"
    runtime.configure(settings.replace(database=dataclasses.replace(settings.database, url=url)))
    context = await runtime.get_context()
    yield context
    await runtime.close_context()


async def test_a_claim_while_the_database_is_down_defers_the_message(
    ctx_without_database: runtime.WorkerContext,
) -> None:
    with pytest.raises(Deferred):
        await run_step("probe", str(uuid.uuid4()), STEP_HANDLERS["probe"])


def test_every_actor_retries_a_deferred_message_and_nothing_else_beyond_its_task() -> None:
    broker = StubBroker()
    actors = declare_actors(broker)
    for name, actor in actors.items():
        retry_when = actor.options["retry_when"]
        assert retry_when(0, Deferred("db down")), name
        assert retry_when(MAX_DEFERRALS - 1, Deferred("db down")), name
        assert not retry_when(MAX_DEFERRALS, Deferred("db down")), name
    assert not actors["probe"].options["retry_when"](0, RuntimeError("bug"))
    assert actors["profile_photo"].options["retry_when"](2, RuntimeError("bug"))  # its broker_retries (3)
