"""Creating, listing and deleting a user's webhooks; their delivery log. Only the owner sees one
(anyone else, admins included, gets 404: a webhook's URL and log are its owner's business)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import require_verified
from api.authz.ownership import authorize_owner
from api.context import AppContext
from api.webhooks.schemas import (
    DeliveryPage,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    delivery_out,
    webhook_out,
)
from core.errors import Conflict, ValidationFailed
from core.ids import new_id, utcnow
from core.notification_prefs import UnknownSetting, check_kinds
from core.webhook_signing import new_secret
from core.webhook_targets import TargetRefused, check_url
from storage.models.users import User
from storage.models.webhooks import Webhook
from storage.repositories.webhooks import ALL_EVENTS, DeliveryRepository, WebhookRepository

#: Enough for a few integrations; every event costs one delivery per webhook.
MAX_WEBHOOKS_PER_USER = 10


async def _owned(session: AsyncSession, caller: User, webhook_id: uuid.UUID) -> Webhook:
    webhook = await WebhookRepository(session).get(webhook_id)
    authorize_owner(caller.id, webhook.user_id if webhook else None, what="webhook")
    assert webhook is not None  # noqa: S101 - authorize_owner refused a missing one
    return webhook


class WebhookService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, data: WebhookCreate) -> WebhookCreated:
        require_verified(caller)
        events = sorted(set(data.events))
        try:
            check_kinds([e for e in events if e != ALL_EVENTS])
            await check_url(data.url, production=self.ctx.settings.is_production)
        except (UnknownSetting, TargetRefused) as exc:
            raise ValidationFailed(str(exc), error_code=exc.error_code) from None
        webhook = Webhook(
            id=new_id(), user_id=caller.id, url=data.url, events=events, secret=new_secret(), created_at=utcnow()
        )
        async with self.ctx.sessions.begin() as session:
            repo = WebhookRepository(session)
            if await repo.count_for_user(caller.id) >= MAX_WEBHOOKS_PER_USER:
                raise Conflict(
                    f"at most {MAX_WEBHOOKS_PER_USER} webhooks per account", error_code="too_many_webhooks"
                )
            await repo.add(webhook)
        return WebhookCreated(
            id=webhook.id, url=webhook.url, events=events, created_at=webhook.created_at, secret=webhook.secret
        )

    async def list(self, caller: User, *, limit: int, offset: int) -> WebhookPage:
        async with self.ctx.sessions() as session:
            rows, total = await WebhookRepository(session).page_for_user(caller.id, limit=limit, offset=offset)
        return WebhookPage(items=[webhook_out(w) for w in rows], total=total, limit=limit, offset=offset)

    async def get(self, caller: User, webhook_id: uuid.UUID) -> WebhookOut:
        async with self.ctx.sessions() as session:
            return webhook_out(await _owned(session, caller, webhook_id))

    async def delete(self, caller: User, webhook_id: uuid.UUID) -> None:
        """Deleting a webhook deletes its log and its pending deliveries (never sent)."""
        async with self.ctx.sessions.begin() as session:
            await WebhookRepository(session).delete(await _owned(session, caller, webhook_id))

    async def deliveries(self, caller: User, webhook_id: uuid.UUID, *, limit: int, offset: int) -> DeliveryPage:
        async with self.ctx.sessions() as session:
            await _owned(session, caller, webhook_id)
            rows, total = await DeliveryRepository(session).page(webhook_id, limit=limit, offset=offset)
        return DeliveryPage(items=[delivery_out(d) for d in rows], total=total, limit=limit, offset=offset)
