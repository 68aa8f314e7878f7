"""The caller's learning (/api/v1/users/me/...) and plans for admins (/api/v1/admin/users/...)."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK

from api.admin.services import require_admin
from api.auth.caller import access_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.fields import Limit, Offset
from api.learning.plans import PlanService
from api.learning.progress import ProgressService
from api.learning.schemas import MyCoursePage, ProgressPage, StreakOut, SubscriptionOut, SubscriptionUpdate, UsageOut
from storage.models.users import User

#: One-statement reads check the account on their own row (``api.auth.caller``).
_CLAIMS = {"claims": Provide(access_claims, sync_to_thread=False)}


class MyLearningController(Controller):
    path = "/api/v1/users/me"
    tags = ["courses"]

    @get("/courses", dependencies=_CLAIMS)
    async def my_courses(
        self,
        ctx: AppContext,
        claims: TokenClaims,
        role: Literal["student", "teacher"] | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> MyCoursePage:
        """Courses you study (with progress) or, for teachers by default, teach (with student counts)."""
        return await ProgressService(ctx).my_courses(claims, role, limit, offset)

    @get("/progress", dependencies=_CLAIMS)
    async def my_progress(self, ctx: AppContext, claims: TokenClaims, limit: Limit = 20, offset: Offset = 0) -> ProgressPage:
        """Your progress in every course you are enrolled in, and your streak."""
        return await ProgressService(ctx).mine(claims, limit, offset)

    @post("/streak/reset", status_code=HTTP_200_OK)
    async def reset_streak(self, ctx: AppContext, current_user: User) -> StreakOut:
        """Start your streak again (once a day: 409 ``streak_already_reset``)."""
        return await ProgressService(ctx).reset_streak(current_user)

    @get("/usage", dependencies=_CLAIMS)
    async def my_usage(self, ctx: AppContext, claims: TokenClaims) -> UsageOut:
        """This month's uploads, stored bytes, processing seconds and quiz attempts (your time zone's month)."""
        return await PlanService(ctx).usage(claims, claims.sub)


class AdminPlansController(Controller):
    path = "/api/v1/admin/users"
    tags = ["admin"]
    dependencies = {"admin": Provide(require_admin)}  # noqa: RUF012 - read by Litestar

    @put("/{user_id:uuid}/subscription")
    async def put_subscription(
        self, user_id: uuid.UUID, data: SubscriptionUpdate, ctx: AppContext, admin: User
    ) -> SubscriptionOut:
        """Set a user's plan (free or premium, optionally until ``period_end``)."""
        return await PlanService(ctx).put_subscription(user_id, data)

    @get("/{user_id:uuid}/usage", dependencies=_CLAIMS)
    async def user_usage(self, user_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> UsageOut:
        """A user's usage this month, in their time zone (one statement; administrators)."""
        return await PlanService(ctx).usage(claims, user_id, admin=True)
