"""JWT access and refresh tokens. Only the configured algorithm is ever accepted.

An access token names its session (``fam``, the refresh-token family of the login it comes from),
so logout can end the session from the access token alone, and the password version it was
issued under (``pwv``), so a password reset or change invalidates every older access token at
once. ``pwv`` is compared for equality with the account's current version, never by clock:
``iat`` has whole-second granularity and web hosts' clocks may differ.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import jwt

from core.errors import Unauthorized
from core.settings import AuthSettings

ACCESS = "access"
REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    sub: uuid.UUID
    jti: uuid.UUID
    type: str
    role: str | None
    exp: dt.datetime
    family: uuid.UUID | None = None
    password_version: int = 0
    session_version: int = 0


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def password_version(password_changed_at: dt.datetime | None) -> int:
    """The account's password version: microseconds since the epoch of the last change, else 0.

    Integer arithmetic, so the value read back from PostgreSQL (microsecond precision) is equal.
    """
    if password_changed_at is None:
        return 0
    return (password_changed_at - _EPOCH) // dt.timedelta(microseconds=1)


def issue_access_token(
    settings: AuthSettings,
    *,
    user_id: uuid.UUID,
    role: str,
    now: dt.datetime,
    family: uuid.UUID,
    pwv: int,
    sv: int = 0,
) -> tuple[str, int]:
    ttl = dt.timedelta(minutes=settings.access_token_expire_minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "jti": uuid.uuid4().hex,
        "fam": family.hex,
        "pwv": pwv,
        "sv": sv,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "type": ACCESS,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=settings.algorithm), int(ttl.total_seconds())


def issue_refresh_token(
    settings: AuthSettings, *, user_id: uuid.UUID, jti: uuid.UUID, family: uuid.UUID, now: dt.datetime
) -> tuple[str, dt.datetime]:
    expires = now + dt.timedelta(days=settings.refresh_token_expire_days)
    claims = {
        "sub": str(user_id),
        "jti": jti.hex,
        "fam": family.hex,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "type": REFRESH,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=settings.algorithm), expires


def decode_token(settings: AuthSettings, token: str, *, expected_type: str) -> TokenClaims:
    """Verify signature, expiry and type; each failure has its own error_code."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[settings.algorithm],
            options={"require": ["sub", "jti", "exp", "iat", "type"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired", error_code="token_expired") from None
    except jwt.InvalidAlgorithmError:
        raise Unauthorized("the token's algorithm is not accepted", error_code="token_algorithm_rejected") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("the token's signature is invalid", error_code="token_signature_invalid") from None
    except jwt.PyJWTError:
        raise Unauthorized("the token is malformed", error_code="token_invalid") from None
    if claims.get("type") != expected_type:
        raise Unauthorized(f"a {claims.get('type')} token cannot be used here", error_code="token_type_invalid")
    try:
        return TokenClaims(
            sub=uuid.UUID(claims["sub"]),
            jti=uuid.UUID(claims["jti"]),
            type=claims["type"],
            role=claims.get("role"),
            exp=dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
            family=uuid.UUID(claims["fam"]) if claims.get("fam") else None,
            password_version=_whole_number(claims.get("pwv", 0)),
            session_version=_whole_number(claims.get("sv", 0)),
        )
    except (ValueError, TypeError, AttributeError):
        raise Unauthorized("the token's claims are malformed", error_code="token_invalid") from None


def _whole_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("pwv and sv must be whole numbers")
    return value
