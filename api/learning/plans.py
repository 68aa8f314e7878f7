"""Plans (free | premium, set by an admin) and a user's usage this month."""

from __future__ import annotations

import datetime as dt
import uuid

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.learning.schemas import SubscriptionOut, SubscriptionUpdate, UsageOut
from core.errors import Forbidden, NotFound, ValidationFailed
from core.ids import utcnow
from storage.models.learning import Plan
from storage.models.users import Role
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

    async def usage(
        self, claims: TokenClaims, user_id: uuid.UUID, *, admin: bool = False, now: dt.datetime | None = None
    ) -> UsageOut:
        """The user's usage since their month began in their own time zone: one statement, the
        caller's account check included (``admin``: the caller must be an administrator; ``now``:
        injected by tests)."""
        now = now or utcnow()
        caller_row, used = await read_as(self.ctx, claims, monthly_usage(self.ctx.reads, claims.sub, user_id, now))
        caller = check_account(claims, caller_row)
        if admin and caller.role != Role.ADMIN:
            raise Forbidden("this needs an administrator", error_code="admin_required")
        if used is None:
            raise NotFound("no such user", error_code="user_not_found")
        return UsageOut(
            month_start=month_start(now, used.time_zone),
            uploads=used.uploads,
            stored_bytes=used.stored_bytes,
            processing_seconds=round(used.processing_seconds, 3),
            quiz_attempts=used.quiz_attempts,
            premium=used.premium,
        )
