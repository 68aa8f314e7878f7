"""Identifiers and clock helpers, so ids and "now" come from one place."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid


def new_id() -> uuid.UUID:
    """Random UUID (v4) for rows; not guessable, so ids may appear in URLs."""
    return uuid.uuid4()


def new_request_id() -> str:
    return secrets.token_hex(8)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
