"""Single-use tokens mailed to users (e-mail verification, password reset).

The database keeps only ``sha256(token)``. The token itself is never stored anywhere: it is an
HMAC of the token row's random id under ``SECRET_KEY``, so the mail worker derives it again when
it builds the message, and the outbox row that asks for the mail carries only the row id. Someone
who reads the database (or a backup) learns neither the tokens nor how to make one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
#: Longest token a client may present; ours are 43 characters.
MAX_TOKEN_LENGTH = 512


def derive_token(secret_key: str, token_id: uuid.UUID, purpose: str) -> str:
    """The token mailed for row ``token_id`` (URL-safe base64, 43 characters)."""
    message = f"cadenza-account-token:{purpose}:{token_id.hex}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """What the database stores and looks tokens up by: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
