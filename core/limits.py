"""Rate-limit values (``"5/60"``: five requests per 60 seconds), parsed from the environment.

The counting itself lives in ``api/ratelimit.py`` (Redis); this module only holds the numbers so
``core.settings`` can validate them at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` requests in any window of ``seconds`` seconds."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


@dataclass(frozen=True, slots=True)
class RateLimitSettings:
    """``None`` turns a limit off. Each limit is counted per client IP and, where the request
    names an account, per account as well (two separate counters)."""

    login: RateLimit | None = RateLimit(5, 60)
    #: password forgot / reset / change
    password: RateLimit | None = RateLimit(5, 900)
    #: per client IP only
    register: RateLimit | None = RateLimit(10, 3600)
    #: verification e-mail resends, per account
    verify_resend: RateLimit | None = RateLimit(3, 900)


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
