"""Fitting derived text (a notification title built from a user's title) into its column.

PostgreSQL refuses a value longer than a ``varchar(n)`` with SQLSTATE 22001: a derived text that
can overflow must be cut before it is written, by characters (what ``varchar(n)`` counts), with an
ellipsis so readers see it was cut.
"""

from __future__ import annotations

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its first characters and "…"."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def fill(value: str, limit: int, *, before: str = "", after: str = "") -> str:
    """``before + value + after`` in at most ``limit`` characters: ``value`` is cut, never the rest.

    The fixed words ("… is ready") stay whole, so a long title still reads as a sentence.
    """
    room = limit - len(before) - len(after)
    if room < 1:
        raise ValueError(f"the text around the value is longer than {limit} characters")
    return before + truncate(value, room) + after
