"""Sessions: a login starts a refresh-token family; its tokens and access tokens carry its id."""

from __future__ import annotations

import logging
import uuid

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.schemas import TokenPair
from api.auth.tokens import TokenClaims, issue_access_token, issue_refresh_token, password_version
from core.errors import ServiceUnavailable
from core.ids import utcnow
from core.redis_keys import revoked_access_key, revoked_family_key
from core.settings import AuthSettings
from storage.models.users import RefreshToken, User
from storage.repositories.users import RefreshTokenRepository

log = logging.getLogger("cadenza.auth")


async def issue_session(
    session: AsyncSession, auth: AuthSettings, user: User, *, family: uuid.UUID | None = None
) -> TokenPair:
    """A new access/refresh pair in ``family`` (a new family, i.e. a new session, by default)."""
    family = family or uuid.uuid4()
    now = utcnow()
    access, expires_in = issue_access_token(
        auth,
        user_id=user.id,
        role=user.role,
        now=now,
        family=family,
        pwv=password_version(user.password_changed_at),
        sv=user.session_version,
    )
    jti = uuid.uuid4()
    refresh, expires_at = issue_refresh_token(auth, user_id=user.id, jti=jti, family=family, now=now)
    await RefreshTokenRepository(session).add(
        RefreshToken(id=jti, user_id=user.id, family_id=family, expires_at=expires_at)
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=expires_in)


async def deny_family(redis: Redis, auth: AuthSettings, family: uuid.UUID) -> bool:
    """Reject the access tokens of an ended session until the last of them would have expired.

    Best effort (the refresh tokens are already revoked in the database); False if Redis failed.
    """
    try:
        await redis.set(revoked_family_key(family), "1", ex=auth.access_token_expire_minutes * 60)
    except RedisError as exc:
        log.warning("session denylist unavailable", extra={"error": type(exc).__name__})
        return False
    return True


async def deny_access_token(redis: Redis, auth: AuthSettings, claims: TokenClaims) -> None:
    """Put one access token on the denylist until it expires, and its session for as long as any
    access token of the session could live.

    Raises:
        ServiceUnavailable: Redis is unreachable, so the token would stay valid.
    """
    ttl = max(1, int((claims.exp - utcnow()).total_seconds()))
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.set(revoked_access_key(claims.jti.hex), "1", ex=ttl)
            if claims.family is not None:
                pipe.set(revoked_family_key(claims.family), "1", ex=auth.access_token_expire_minutes * 60)
            await pipe.execute()
    except RedisError as exc:
        log.warning("token denylist unavailable at logout", extra={"error": type(exc).__name__})
        raise ServiceUnavailable(
            "the session's refresh tokens are revoked, but the access token could not be: try again",
            error_code="revocation_unavailable",
        ) from None
