"""/api/v1/webhooks: the caller's webhooks and their delivery logs."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.context import AppContext
from api.fields import Limit, Offset
from api.webhooks.schemas import DeliveryPage, WebhookCreate, WebhookCreated, WebhookOut, WebhookPage
from api.webhooks.services import WebhookService
from storage.models.users import User


class WebhooksController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, data: WebhookCreate, ctx: AppContext, current_user: User) -> WebhookCreated:
        """Register a URL for some notification kinds; the answer shows the signing secret, once.

        Needs a verified e-mail. Deliveries carry ``Cadenza-Signature: t=<unix>,v1=<hex
        HMAC-SHA256(secret, "<t>.<body>")>`` and ``Cadenza-Delivery`` (the same at every retry).
        """
        return await WebhookService(ctx).create(current_user, data)

    @get("/")
    async def list_webhooks(
        self, ctx: AppContext, current_user: User, limit: Limit = 20, offset: Offset = 0
    ) -> WebhookPage:
        """Your webhooks, newest first (without their secrets)."""
        return await WebhookService(ctx).list(current_user, limit=limit, offset=offset)

    @get("/{webhook_id:uuid}")
    async def get_webhook(self, webhook_id: uuid.UUID, ctx: AppContext, current_user: User) -> WebhookOut:
        """One of your webhooks."""
        return await WebhookService(ctx).get(current_user, webhook_id)

    @delete("/{webhook_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_webhook(self, webhook_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete the webhook, its log and its pending deliveries."""
        await WebhookService(ctx).delete(current_user, webhook_id)

    @get("/{webhook_id:uuid}/deliveries")
    async def deliveries(
        self, webhook_id: uuid.UUID, ctx: AppContext, current_user: User, limit: Limit = 20, offset: Offset = 0
    ) -> DeliveryPage:
        """The webhook's deliveries, newest first: status, attempts, response code, timings, error."""
        return await WebhookService(ctx).deliveries(current_user, webhook_id, limit=limit, offset=offset)
