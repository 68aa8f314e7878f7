"""argon2id password hashing, off the event loop (hashing is deliberately slow)."""

from __future__ import annotations

import asyncio
import dataclasses
import functools

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from core.settings import AuthSettings

#: ``PASSWORD_HASH_COST`` → argon2id parameters. ``minimal`` keeps the salt and hash lengths and
#: drops the work, so a test suite registering hundreds of accounts is not bound by hashing.
_PARAMETERS = {
    "standard": profiles.RFC_9106_LOW_MEMORY,  # argon2-cffi's own default
    "minimal": dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, time_cost=1, memory_cost=64, parallelism=1),
}


@functools.cache
def _hasher(cost: str) -> tuple[PasswordHasher, str]:
    """The hasher for ``cost`` and a hash made with it: verifying against that hash keeps the time
    of "no such user" equal to "wrong password"."""
    hasher = PasswordHasher.from_parameters(_PARAMETERS[cost])
    return hasher, hasher.hash("cadenza-timing-equaliser")


async def hash_password(auth: AuthSettings, password: str) -> str:
    return await asyncio.to_thread(lambda: _hasher(auth.password_hash_cost)[0].hash(password))


async def verify_password(auth: AuthSettings, password_hash: str | None, password: str) -> bool:
    """Check ``password``; the hash's own parameters apply, whatever the configured cost."""

    def check() -> bool:
        hasher, dummy = _hasher(auth.password_hash_cost)
        try:
            return hasher.verify(password_hash or dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)
