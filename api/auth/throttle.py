"""Login throttling that stops password guessing without letting anyone lock an owner out.

Only failures count, in three counters (``RateLimitSettings``):

- per client address (``login``): a whole class behind one school router signs in freely, a
  guesser on one address is slowed whatever accounts they try;
- per account and address (``login_account``): a success there clears it, and a stranger on
  another address cannot fill it;
- per account from addresses it has not signed in from lately (``login_account_unknown``): many
  addresses guessing one password. Addresses the account signed in from within
  ``KNOWN_ADDRESS_DAYS`` skip this counter, so the owner at home or at school still gets in.

A slot is taken in every counter before the password is checked (atomically, so concurrent
guesses cannot overshoot) and given back when the password was right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.ratelimit import RateLimiter, counter
from core.limits import RateLimitSettings

KNOWN_ADDRESS_DAYS = 30


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    member: str
    address_key: str
    account_keys: tuple[str, ...]
    known_key: str


class LoginThrottle:
    def __init__(self, redis: Redis, limits: RateLimitSettings) -> None:
        self.redis = redis
        self.limits = limits
        self.limiter = RateLimiter(redis)

    async def attempt(self, account: str, ip: str) -> LoginAttempt:
        """Take a failure slot in each counter, or raise ``RateLimited`` (429) / ``ServiceUnavailable``."""
        address_key = counter("login-failures", "ip", ip)
        pair_key = counter("login-failures", "account-ip", f"{account}|{ip}")
        account_key = counter("login-failures", "account", account)
        known_key = counter("login-known", "account-ip", f"{account}|{ip}")
        counters = [(self.limits.login, address_key), (self.limits.login_account, pair_key)]
        if not await self._is_known(known_key):
            counters.append((self.limits.login_account_unknown, account_key))
        member = await self.limiter.take(counters)
        return LoginAttempt(member, address_key, (pair_key, account_key), known_key)

    async def succeeded(self, attempt: LoginAttempt) -> None:
        """The password was right: the attempt was no failure, the account's failures are cleared,
        and the address is remembered as one the account signs in from."""
        await self.limiter.forget(attempt.member, attempt.address_key)
        await self.limiter.clear(*attempt.account_keys)
        try:
            await self.redis.set(attempt.known_key, "1", ex=int(dt.timedelta(days=KNOWN_ADDRESS_DAYS).total_seconds()))
        except RedisError:
            pass  # the next login from here counts as from a new address: stricter, never looser

    async def _is_known(self, key: str) -> bool:
        try:
            return bool(await self.redis.exists(key))
        except RedisError:
            return False  # then ``take`` fails closed anyway
