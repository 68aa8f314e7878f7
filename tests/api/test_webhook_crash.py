"""At-least-once delivery, once as the user sees it: a worker killed with SIGKILL while the receiver
holds its request leaves the delivery pending; the redelivered message sends the same delivery id
and the same body again, so the receiver recognises it, and the user has one notification and
one delivery in the log."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from jobs.tasks import DELIVER_WEBHOOK
from tests.api.notify_support import Receiver, raise_notification, start_receiver
from tests.e2e.api import Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import verified
from workers import runtime
from workers.actors import task_function

pytestmark = pytest.mark.api

ROOT = Path(__file__).resolve().parents[2]
#: A worker process taking the message: the actor's own function, with the task's arguments.
CHILD = """
import asyncio, os, sys
from core.settings import Settings
from jobs.tasks import DELIVER_WEBHOOK
from workers import runtime
from workers.actors import task_function
runtime.configure(Settings.from_env(os.environ))
asyncio.run(task_function(DELIVER_WEBHOOK)(delivery_id=sys.argv[1], attempt=0))
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from start_receiver()


def _redeliver(settings: Settings, delivery_id: str) -> None:
    """The broker hands the message out again (Redis is at least once: after a worker dies)."""

    async def run() -> None:
        runtime.configure(settings)
        try:
            await task_function(DELIVER_WEBHOOK)(delivery_id=delivery_id, attempt=0)
        finally:
            await runtime.close_context()

    asyncio.run(run())


def test_a_worker_killed_mid_delivery_is_seen_once(
    api: Api, receiver: Receiver, settings: Settings, base_env: dict[str, str]
) -> None:
    owner = verified(api, base_env)
    r = api.http.post("/api/v1/webhooks", headers=owner.headers, json={"url": receiver.url, "events": ["*"]})
    hook = r.json()
    key = f"comment.created:{uuid.uuid4()}"
    assert raise_notification(settings, owner.id, dedupe_key=key)
    (delivery,) = api.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=owner.headers).json()["items"]
    # The relay published the row: only the worker (and its redelivery) runs it from here.
    sql(base_env["DATABASE_URL"], "UPDATE outbox SET sent_at = now() WHERE args->>'delivery_id' = $1", delivery["id"])

    # Given a worker whose request the receiver holds
    receiver.hold = True
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHILD, delivery["id"]], cwd=ROOT, env={**os.environ, **base_env}
    )
    try:
        assert receiver.arrived.wait(60), "the worker never reached the receiver"
        # When it is killed before it could record anything
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    receiver.hold = False
    receiver.release.set()
    (still,) = api.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=owner.headers).json()["items"]
    assert (still["status"], still["attempts"]) == ("pending", 0)

    # Then the redelivered message sends the same delivery again, and a later duplicate nothing
    _redeliver(settings, delivery["id"])
    _redeliver(settings, delivery["id"])
    sent = receiver.for_delivery(delivery["id"])
    assert len(sent) == 2 and len(receiver.requests) == 2
    assert sent[0].body == sent[1].body  # same event, same id: the receiver keeps one
    (done,) = api.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=owner.headers).json()["items"]
    assert (done["id"], done["status"], done["attempts"]) == (delivery["id"], "succeeded", 1)
    rows = sql(base_env["DATABASE_URL"], "SELECT count(*) AS n FROM notifications WHERE dedupe_key = $1", key)
    assert rows[0]["n"] == 1
    assert not raise_notification(settings, owner.id, dedupe_key=key)  # raised again: nothing new
    assert len(api.http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=owner.headers).json()["items"]) == 1
