"""Webhook bodies: creation (the secret shown once), listing, and the delivery log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.fields import line
from core.webhook_targets import MAX_URL_LENGTH
from storage.models.webhooks import Webhook, WebhookDelivery

EventName = Annotated[str, line(min_length=1, max_length=48)]


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``events``: notification kinds (``GET /users/me/notification-settings`` lists them), or ``*``."""

    url: Annotated[str, line(min_length=1, max_length=MAX_URL_LENGTH)]
    events: Annotated[list[EventName], msgspec.Meta(min_length=1, max_length=20)]


class WebhookOut(msgspec.Struct):
    id: uuid.UUID
    url: str
    events: list[str]
    created_at: dt.datetime


class WebhookCreated(msgspec.Struct):
    """The answer of ``POST /webhooks``: the only time the signing secret is shown."""

    id: uuid.UUID
    url: str
    events: list[str]
    created_at: dt.datetime
    secret: str


class WebhookPage(msgspec.Struct):
    items: list[WebhookOut]
    total: int
    limit: int
    offset: int


class DeliveryOut(msgspec.Struct):
    """One event sent to the webhook: ``id`` is the ``Cadenza-Delivery`` header of every attempt."""

    id: uuid.UUID
    event: str
    recording_id: uuid.UUID | None
    status: str
    attempts: int
    response_code: int | None
    error: str | None
    duration_ms: int | None
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None


class DeliveryPage(msgspec.Struct):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


def webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(id=webhook.id, url=webhook.url, events=list(webhook.events), created_at=webhook.created_at)


def delivery_out(d: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        event=d.event,
        recording_id=d.recording_id,
        status=d.status,
        attempts=d.attempts,
        response_code=d.response_code,
        error=d.error,
        duration_ms=d.duration_ms,
        created_at=d.created_at,
        last_attempt_at=d.last_attempt_at,
        next_attempt_at=d.next_attempt_at,
        delivered_at=d.delivered_at,
    )
