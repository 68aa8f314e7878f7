"""Webhooks and their deliveries: every query of both tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import any_, delete, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.webhooks import Webhook, WebhookDelivery

#: A webhook listing this receives every event.
ALL_EVENTS = "*"


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, webhook: Webhook) -> Webhook:
        self.session.add(webhook)
        await self.session.flush()
        return webhook

    async def count_for_user(self, user_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(Webhook).where(Webhook.user_id == user_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def page_for_user(self, user_id: uuid.UUID, *, limit: int, offset: int) -> tuple[Sequence[Webhook], int]:
        """One page of the user's webhooks, newest first, and how many there are (one statement)."""
        stmt = (
            select(Webhook, func.count().over())
            .where(Webhook.user_id == user_id)
            .order_by(Webhook.created_at.desc(), Webhook.id)
            .limit(limit)
            .offset(offset)
        )
        rows = (await self.session.execute(stmt)).all()
        return [row[0] for row in rows], (rows[0][1] if rows else await self.count_for_user(user_id))

    async def get(self, webhook_id: uuid.UUID) -> Webhook | None:
        return await self.session.get(Webhook, webhook_id)

    async def delete(self, webhook: Webhook) -> None:
        await self.session.execute(delete(Webhook).where(Webhook.id == webhook.id))

    async def subscribed(self, user_id: uuid.UUID, event: str) -> Sequence[Webhook]:
        """The user's webhooks that want ``event``."""
        stmt = select(Webhook).where(
            Webhook.user_id == user_id,
            or_(literal(event) == any_(Webhook.events), literal(ALL_EVENTS) == any_(Webhook.events)),
        )
        return (await self.session.execute(stmt)).scalars().all()


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_once(
        self,
        *,
        webhook_id: uuid.UUID,
        recording_id: uuid.UUID | None,
        event: str,
        event_key: str,
        payload: dict[str, Any],
    ) -> uuid.UUID | None:
        """Insert the delivery of ``event_key`` to the webhook unless it exists; its id, or None."""
        stmt = (
            insert(WebhookDelivery)
            .values(
                id=uuid.uuid4(),
                webhook_id=webhook_id,
                recording_id=recording_id,
                event=event,
                event_key=event_key,
                payload=payload,
            )
            .on_conflict_do_nothing(constraint="uq_webhook_deliveries_event")
            .returning(WebhookDelivery.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def with_webhook(
        self, delivery_id: uuid.UUID, *, lock: bool = False
    ) -> tuple[WebhookDelivery, Webhook] | None:
        """The delivery and its webhook; ``lock``: the delivery's row locked until the transaction ends."""
        stmt = (
            select(WebhookDelivery, Webhook)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.id == delivery_id)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update(of=WebhookDelivery)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def get(self, delivery_id: uuid.UUID) -> WebhookDelivery | None:
        return await self.session.get(WebhookDelivery, delivery_id, populate_existing=True)

    async def page(self, webhook_id: uuid.UUID, *, limit: int, offset: int) -> tuple[Sequence[WebhookDelivery], int]:
        """The webhook's deliveries, newest first, and how many there are."""
        stmt = (
            select(WebhookDelivery, func.count().over())
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(limit)
            .offset(offset)
        )
        rows = (await self.session.execute(stmt)).all()
        if rows:
            return [row[0] for row in rows], rows[0][1]
        count = select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        return [], (await self.session.execute(count)).scalar_one()
