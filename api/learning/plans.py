"""Plans (free | premium, set by an admin) and a user's usage this month."""

from __future__ import annotations

import datetime as dt
import uuid

from api.context import AppContext
from api.learning.schemas import SubscriptionOut, SubscriptionUpdate, UsageOut
from core.errors import NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.learning import Plan
from storage.repositories.courses import SubscriptionRepository
from storage.repositories.usage import month_start, monthly_usage
from storage.repositories.users import UserRepository


class PlanService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def put_subscription(self, user_id: uuid.UUID, data: SubscriptionUpdate) -> SubscriptionOut:
        """Set the user's plan; ``period_end`` must be in the future (422 ``invalid_period_end``)."""
        now = utcnow()
        period_end = data.period_end
        if period_end is not None:
            if period_end.tzinfo is None:
                period_end = period_end.replace(tzinfo=dt.UTC)
            if period_end <= now:
                raise ValidationFailed("period_end must be in the future", error_code="invalid_period_end")
        if data.plan == Plan.FREE:
            period_end = None
        async with self.ctx.sessions.begin() as session:
            if await UserRepository(session).get(user_id) is None:
                raise NotFound("no such user", error_code="user_not_found")
            repo = SubscriptionRepository(session)
            row = await repo.put(user_id, data.plan, period_end, now)
            premium = await repo.is_premium(user_id, now)
        return SubscriptionOut(
            user_id=row.user_id, plan=row.plan, status=row.status, period_end=row.period_end, premium=premium
        )

    async def usage(self, user_id: uuid.UUID, now: dt.datetime | None = None) -> UsageOut:
        """The user's usage since their month began in their own time zone (``now``: injected by tests)."""
        now = now or utcnow()
        async with self.ctx.sessions() as session:
            user = await UserRepository(session).get(user_id)
            if user is None:
                raise NotFound("no such user", error_code="user_not_found")
            used = await monthly_usage(session, user_id, now, user.time_zone)
            premium = await SubscriptionRepository(session).is_premium(user_id, now)
        return UsageOut(
            month_start=month_start(now, user.time_zone),
            uploads=used.uploads,
            stored_bytes=used.stored_bytes,
            processing_seconds=used.processing_seconds,
            quiz_attempts=used.quiz_attempts,
            premium=premium,
        )
