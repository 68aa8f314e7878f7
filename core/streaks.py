"""Learning streaks (DESIGN §10): consecutive days with learning activity, in the user's time zone.

Pure functions of the days on record and an injected ``now``, so midnight and time zones are
tested with a clock instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo, available_timezones

#: Files of the zone database that are not zones a person lives in (``available_timezones`` lists
#: what it finds on disk, and Debian ships these beside the real ones).
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(z for z in available_timezones() if z not in _NOT_ZONES and not z.startswith(("posix/", "right/")))


def valid_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone (``Europe/Paris``, ``UTC``); not a file name like ``localtime``."""
    return name in _zones()


def local_day(now: dt.datetime, time_zone: str) -> dt.date:
    """The calendar day ``now`` falls on in ``time_zone`` (UTC for an unknown zone)."""
    return now.astimezone(zone_of(time_zone)).date()


def zone_of(time_zone: str) -> dt.tzinfo:
    """The zone named ``time_zone`` (UTC for an unknown one)."""
    return ZoneInfo(time_zone) if valid_time_zone(time_zone) else dt.UTC


def streak_days(
    days: Iterable[tuple[dt.date, dt.datetime]],
    *,
    today: dt.date,
    reset_at: dt.datetime | None = None,
    reset_day: dt.date | None = None,
) -> int:
    """How many consecutive days up to ``today`` had activity.

    Args:
        days: ``(day, last activity on it)`` pairs, any order.
        today: the user's current day; a streak that ended yesterday still counts (today is not over).
        reset_at, reset_day: the last reset and the user's day it fell on: earlier days no longer
            count, and that day only with activity after the reset.
    """
    active = {
        day
        for day, last_at in days
        if reset_day is None or day > reset_day or (day == reset_day and reset_at is not None and last_at > reset_at)
    }
    day = today if today in active else today - dt.timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= dt.timedelta(days=1)
    return count
