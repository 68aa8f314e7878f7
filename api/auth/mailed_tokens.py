"""Mailed single-use tokens (e-mail verification, password reset): issue one and ask for its
mail in the same transaction, or find and spend one.

Only ``sha256(token)`` is stored; see ``core/account_tokens.py`` for how the mail worker gets the
token back without it being stored anywhere.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from core.account_tokens import RESET_PASSWORD, VERIFY_EMAIL, derive_token, token_hash
from core.errors import BadRequest
from core.ids import new_id, utcnow
from jobs.tasks import SEND_MAIL, MailArgs, enqueue
from storage.models.users import AccountToken, User
from storage.repositories.users import AccountTokenRepository

LIFETIMES = {VERIFY_EMAIL: dt.timedelta(hours=24), RESET_PASSWORD: dt.timedelta(hours=1)}
#: Error codes: ``{prefix}_invalid`` (unknown), ``{prefix}_used``, ``{prefix}_expired``.
_CODE_PREFIX = {VERIFY_EMAIL: "verification_token", RESET_PASSWORD: "reset_token"}


async def issue_mailed_token(session: AsyncSession, secret_key: str, user: User, purpose: str) -> None:
    """Replace ``user``'s unused ``purpose`` tokens with a new one, and queue its mail (outbox)."""
    tokens = AccountTokenRepository(session)
    await tokens.discard_unused(user.id, purpose)
    now = utcnow()
    token_id = new_id()
    await tokens.add(
        AccountToken(
            id=token_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(derive_token(secret_key, token_id, purpose)),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    enqueue(session, SEND_MAIL, MailArgs(kind=purpose, ref=str(token_id)))


async def find_mailed_token(session: AsyncSession, token: str, purpose: str) -> AccountToken:
    """The unused, unexpired ``purpose`` token; 400 with ``…_invalid|used|expired`` otherwise."""
    prefix = _CODE_PREFIX[purpose]
    row = await AccountTokenRepository(session).by_hash(token_hash(token))
    if row is None or row.purpose != purpose:
        raise BadRequest("the token is not valid (a newer one may have replaced it)", error_code=f"{prefix}_invalid")
    if row.used_at is not None:
        raise BadRequest("the token has already been used", error_code=f"{prefix}_used")
    if row.expires_at <= utcnow():
        raise BadRequest("the token has expired; ask for a new one", error_code=f"{prefix}_expired")
    return row


async def spend_mailed_token(session: AsyncSession, row: AccountToken) -> None:
    """Mark a found token used, atomically: of two concurrent requests only one succeeds."""
    if not await AccountTokenRepository(session).use(row.id, utcnow()):
        raise BadRequest("the token has already been used", error_code=f"{_CODE_PREFIX[row.purpose]}_used")


async def discard_mailed_tokens(session: AsyncSession, user: User, purpose: str) -> None:
    await AccountTokenRepository(session).discard_unused(user.id, purpose)
