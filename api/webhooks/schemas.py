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
    return msgspec.convert(webhook, WebhookOut, from_attributes=True)


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return msgspec.convert(delivery, DeliveryOut, from_attributes=True)
