"""Short-lived signed media URLs for ``LocalStore``, which has no presigned URLs of its own.

The API serves local objects itself (with Range support) at a path containing the key and checks
``?expires=...&sig=...``: an HMAC-SHA256 of the key and expiry, so a URL leaks one object for a
bounded time and cannot be edited to reach another key or live longer. The HMAC key is derived
from ``SECRET_KEY`` with a purpose label, so these signatures can never be confused with (or used
to forge) anything else signed with the same secret, such as JWTs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

from .keys import validate_key

_PURPOSE = b"cadenza.media-url.v1"


def _signature(key: str, expires_at: int, secret: str) -> str:
    derived = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    # NUL cannot occur in a valid key, so "key NUL expiry" is unambiguous.
    message = key.encode() + b"\x00" + str(expires_at).encode()
    digest = hmac.new(derived, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_media_path(key: str, *, secret: str, expires_at: int) -> str:
    """Return the query string ``expires=<unix seconds>&sig=<urlsafe base64>`` for ``key``."""
    validate_key(key)
    return urlencode({"expires": int(expires_at), "sig": _signature(key, int(expires_at), secret)})


def verify_media_signature(key: str, expires: int | str, sig: str, *, secret: str, now: float) -> bool:
    """True only for an untampered signature of ``key`` whose expiry is still in the future.

    ``expires`` may be the raw query value; anything malformed is simply invalid (``False``).
    """
    try:
        validate_key(key)
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if expires_at <= now or not isinstance(sig, str):
        return False
    expected = _signature(key, expires_at, secret)
    return hmac.compare_digest(expected.encode(), sig.encode("utf-8", "replace"))
