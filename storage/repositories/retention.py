"""Deleting rows nothing needs any more: published outbox rows, spent tokens, settled webhook deliveries.

Each delete keeps what something still reads:

- outbox: a pending row is work to do; a sent row of a task other than a pipeline step that no
  worker took yet is what broker-loss recovery republishes (``jobs.recovery``). Sent step rows
  are not read by it (it goes by the steps' own state), nor are taken rows.
- account tokens (mailed links): once used or expired a token only answers "invalid"; the mail
  task reading a vanished row sends nothing.
- refresh tokens: an expired one is refused anyway; a revoked one belongs to a revoked family.
  A used (rotated) token that has not expired is kept: presenting it again is how reuse is
  detected and its family revoked.
- webhook deliveries: a settled one (succeeded, or failed for good) is only the log a user reads;
  a pending one is work the outbox still carries, however old.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import and_, delete, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import OutboxMessage
from storage.models.users import AccountToken, RefreshToken
from storage.models.webhooks import WebhookDelivery


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def delete_published_outbox(self, sent_before: dt.datetime, step_tasks: Collection[str]) -> int:
        """Rows sent before ``sent_before`` that recovery no longer needs (see the module doc)."""
        stmt = delete(OutboxMessage).where(
            OutboxMessage.sent_at < sent_before,
            or_(OutboxMessage.taken_at.is_not(None), OutboxMessage.actor_name.in_(list(step_tasks))),
        )
        return (await self.session.execute(stmt)).rowcount or 0

    async def delete_spent_account_tokens(self, before: dt.datetime) -> int:
        """Tokens used, or expired, before ``before``."""
        stmt = delete(AccountToken).where(or_(AccountToken.used_at < before, AccountToken.expires_at < before))
        return (await self.session.execute(stmt)).rowcount or 0

    async def delete_dead_refresh_tokens(self, before: dt.datetime) -> int:
        """Tokens expired, or revoked, before ``before``."""
        stmt = delete(RefreshToken).where(
            or_(
                RefreshToken.expires_at < before,
                and_(RefreshToken.revoked_at.is_not(None), RefreshToken.revoked_at < before),
            )
        )
        return (await self.session.execute(stmt)).rowcount or 0

    async def delete_settled_webhook_deliveries(self, before: dt.datetime) -> int:
        """Deliveries that succeeded or failed for good, last tried before ``before``."""
        last = func.coalesce(WebhookDelivery.last_attempt_at, WebhookDelivery.created_at)
        stmt = delete(WebhookDelivery).where(WebhookDelivery.status.in_(["succeeded", "failed"]), last < before)
        return (await self.session.execute(stmt)).rowcount or 0
