"""One notification to one user, fanned out to the channels the user chose, at most once.

Used by the API (shares, relationships, comments, assessments: ``api.notifications.sender``) and
by the workers' ``notify`` step alike, inside the caller's transaction:

- the notification row, written once per ``dedupe_key`` (``in_app`` false when the user keeps
  the kind out of the app: the row still records the event, so a redelivered step or a retried
  request finds it and sends nothing again);
- only when the row is new: a ``send_mail`` outbox row (kind ``notification``, ref the row's id)
  and, per webhook of the user subscribed to the kind, one delivery row (unique per webhook and
  ``dedupe_key``) with its ``deliver_webhook`` outbox row.

Live events are published by ``publish`` after the caller's commit, so a client never hears of a
row it cannot read yet: ``notification`` (as before) and one named by the kind
(``comment.created``, ``assessment.created``, …).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import encode_event, user_channel
from core.ids import utcnow
from core.notification_prefs import EMAIL, IN_APP, WEBHOOK, wants
from jobs.tasks import DELIVER_WEBHOOK, SEND_MAIL, MailArgs, WebhookArgs, enqueue
from storage.repositories.notification_settings import NotificationSettingsRepository
from storage.repositories.notifications import NotificationRepository
from storage.repositories.webhooks import DeliveryRepository, WebhookRepository

log = logging.getLogger("cadenza.notifications")

#: ``MailArgs.kind`` of a notification's mail (its ``ref`` is the notification's id).
NOTIFICATION_MAIL = "notification"
#: Kinds whose name is already a live event of the pipeline (``workers.steps.publish_outcome``,
#: with the job's body): the notification goes out as ``notification`` only, never twice by name.
PIPELINE_EVENTS = frozenset({"recording.ready", "recording.failed"})


@dataclass(frozen=True, slots=True)
class Created:
    """A notification written just now, and what its live events say."""

    user_id: uuid.UUID
    notification_id: uuid.UUID
    kind: str
    title: str
    data: dict[str, Any]
    in_app: bool
    deliveries: tuple[uuid.UUID, ...] = field(default=())

    def event_data(self) -> dict[str, Any]:
        return {"id": str(self.notification_id), "kind": self.kind, "title": self.title, **self.data}


async def notify_user(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    kind: str,
    title: str,
    data: dict[str, Any],
    dedupe_key: str,
    body: str | None = None,
) -> Created | None:
    """Write the notification and queue its mail and webhook deliveries; None if ``dedupe_key``
    was used before (then nothing at all is queued again)."""
    prefs = await NotificationSettingsRepository(session).get(user_id)
    in_app = wants(prefs, kind, IN_APP)
    new_id = await NotificationRepository(session).add_once(
        user_id=user_id, kind=kind, title=title, body=body, data=data, dedupe_key=dedupe_key, in_app=in_app
    )
    if new_id is None:
        return None
    if wants(prefs, kind, EMAIL):
        enqueue(session, SEND_MAIL, MailArgs(kind=NOTIFICATION_MAIL, ref=str(new_id)))
    deliveries: tuple[uuid.UUID, ...] = ()
    if wants(prefs, kind, WEBHOOK):
        payload = _payload(new_id, kind, title, body, data)
        deliveries = await _queue_deliveries(session, user_id, kind, dedupe_key, payload)
    return Created(user_id, new_id, kind, title, data, in_app, deliveries)


def _payload(
    notification_id: uuid.UUID, kind: str, title: str, body: str | None, data: dict[str, Any]
) -> dict[str, Any]:
    """The event as a webhook receives it (the delivery id is added when it is sent)."""
    return {
        "event": kind,
        "created_at": utcnow().isoformat(),
        "data": {"notification_id": str(notification_id), "title": title, "body": body, **data},
    }


async def _queue_deliveries(
    session: AsyncSession, user_id: uuid.UUID, kind: str, event_key: str, payload: dict[str, Any]
) -> tuple[uuid.UUID, ...]:
    deliveries = DeliveryRepository(session)
    recording_id = _recording_id(payload["data"])
    queued = []
    for webhook in await WebhookRepository(session).subscribed(user_id, kind):
        delivery_id = await deliveries.add_once(
            webhook_id=webhook.id, recording_id=recording_id, event=kind, event_key=event_key, payload=payload
        )
        if delivery_id is not None:
            enqueue(session, DELIVER_WEBHOOK, WebhookArgs(delivery_id=delivery_id))
            queued.append(delivery_id)
    return tuple(queued)


def _recording_id(data: dict[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data["recording_id"]))
    except (KeyError, ValueError):
        return None


async def publish(redis: Redis, created: Iterable[Created]) -> None:
    """Best effort, after the commit: a live event lost to a Redis hiccup is found by polling."""
    for item in created:
        if not item.in_app:
            continue
        payload = item.event_data()
        events = ("notification",) if item.kind in PIPELINE_EVENTS else ("notification", item.kind)
        for event in events:
            try:
                await redis.publish(user_channel(item.user_id), encode_event(event, payload))
            except RedisError as exc:
                log.warning("event not published", extra={"event": event, "error": type(exc).__name__})
