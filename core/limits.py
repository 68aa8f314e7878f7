"""Rate-limit values (``"5/60"``: five requests per 60 seconds), parsed from the environment.

The counting itself lives in ``api/ratelimit.py`` (Redis); this module only holds the numbers so
``core.settings`` can validate them at start-up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from core.env_values import optional_positive_int, positive_int


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` requests in any window of ``seconds`` seconds."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


@dataclass(frozen=True, slots=True)
class RateLimitSettings:
    """``None`` turns a limit off. A limit names what it counts and per what (client address,
    account). The defaults leave room for a school whose pupils share one router's address, and
    no counter that a stranger can fill stops an account's owner (see ``api/auth/throttle.py``)."""

    #: failed logins per client address (a success does not count)
    login: RateLimit | None = RateLimit(100, 900)
    #: failed logins per account from one address; a success there clears them
    login_account: RateLimit | None = RateLimit(10, 900)
    #: failed logins per account from addresses the account has not signed in from lately
    login_account_unknown: RateLimit | None = RateLimit(50, 3600)
    #: password-reset mails per client address (429 above it)
    password: RateLimit | None = RateLimit(30, 900)
    #: password-reset mails per account: above it the answer is the same but no new mail is sent
    #: (the last one stays valid), so strangers cannot block or replace the owner's reset
    password_mail_account: RateLimit | None = RateLimit(3, 3600)
    #: resets with a mailed token, per client address and per account (only the token's holder)
    password_reset: RateLimit | None = RateLimit(30, 900)
    #: password changes per account (only its signed-in owner reaches this)
    password_change: RateLimit | None = RateLimit(10, 900)
    #: quiz attempts per account (learning; each is graded on the server)
    quiz_attempts: RateLimit | None = RateLimit(10, 3600)
    #: registrations per client address
    register: RateLimit | None = RateLimit(100, 3600)
    #: verification e-mail resends, per account
    verify_resend: RateLimit | None = RateLimit(3, 900)
    #: chapters marked complete per account (learning)
    chapter_completions: RateLimit | None = RateLimit(100, 86400)
    #: learning-streak resets per account (learning; the database also allows one per day)
    streak_reset: RateLimit | None = RateLimit(1, 86400)
    #: searches per client address (``/api/v1/search*``): type-ahead sends one per keystroke
    search: RateLimit | None = RateLimit(50, 60)


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """Concurrent ``/api/v1/events`` streams (``EVENT_STREAMS_PER_USER``, ``…_PER_ADDRESS``)."""

    per_user: int = 5
    per_address: int = 200
    #: seconds between keep-alives; the caller's access is checked again at each one
    keepalive_seconds: float = 15.0


def parse_rate_limit(raw: str) -> RateLimit | None:
    """``"COUNT/SECONDS"`` (both whole numbers above zero) or ``"off"``; raises ValueError."""
    text = raw.strip().lower()
    if text == "off":
        return None
    count, sep, seconds = text.partition("/")
    try:
        limit = RateLimit(int(count), int(seconds)) if sep else None
    except ValueError:
        limit = None
    if limit is None or limit.count <= 0 or limit.seconds <= 0:
        raise ValueError(f"must look like COUNT/SECONDS (e.g. 5/60) or off, not {raw!r}")
    return limit


@dataclass(frozen=True, slots=True)
class UploadQuotas:
    """Per user: bytes stored (originals and renditions, ``UPLOAD_QUOTA_BYTES``) and uploads per
    window (``RATE_LIMIT_UPLOADS``). ``None`` turns one off."""

    storage_bytes: int | None = 10 * 1024**3
    uploads: RateLimit | None = RateLimit(30, 3600)
    #: profile photo uploads per user (``RATE_LIMIT_PHOTO_UPLOADS``): each one is an images job
    photos: RateLimit | None = RateLimit(20, 3600)


def limits_from_env(env: Mapping[str, str]) -> tuple[RateLimitSettings, StreamLimits, UploadQuotas]:
    """Every ``RATE_LIMIT_*`` (named after ``RateLimitSettings``' fields), the event-stream caps and
    the upload quotas; raises ValueError naming the first bad variable."""
    defaults = RateLimitSettings()
    rate_limits = RateLimitSettings(
        **{
            f.name: _rate_limit(env, f"RATE_LIMIT_{f.name.upper()}", getattr(defaults, f.name))
            for f in dataclasses.fields(RateLimitSettings)
        }
    )
    stream_defaults, quota_defaults = StreamLimits(), UploadQuotas()
    streams = StreamLimits(
        per_user=positive_int(env, "EVENT_STREAMS_PER_USER", stream_defaults.per_user),
        per_address=positive_int(env, "EVENT_STREAMS_PER_ADDRESS", stream_defaults.per_address),
        keepalive_seconds=float(positive_int(env, "EVENTS_KEEPALIVE_SECONDS", int(stream_defaults.keepalive_seconds))),
    )
    quotas = UploadQuotas(
        storage_bytes=optional_positive_int(env, "UPLOAD_QUOTA_BYTES", quota_defaults.storage_bytes or 10 * 1024**3),
        uploads=_rate_limit(env, "RATE_LIMIT_UPLOADS", quota_defaults.uploads),
        photos=_rate_limit(env, "RATE_LIMIT_PHOTO_UPLOADS", quota_defaults.photos),
    )
    return rate_limits, streams, quotas


def _rate_limit(env: Mapping[str, str], name: str, default: RateLimit | None) -> RateLimit | None:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse_rate_limit(raw)
    except ValueError as exc:
        raise ValueError(f"{name} {exc}") from None
