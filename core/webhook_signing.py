"""Webhook signatures (Stripe-style): ``Cadenza-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.

The receiver recomputes the HMAC over the timestamp and the raw body with the secret it was shown
once, compares in constant time, and refuses timestamps too far from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Cadenza-Signature"
DELIVERY_HEADER = "Cadenza-Delivery"
EVENT_HEADER = "Cadenza-Event"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp`` (whole seconds since the epoch)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: True when ``header`` signs ``body`` and its time is within ``tolerance``."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).rpartition("v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
