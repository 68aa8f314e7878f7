"""argon2id hashing at the configured cost (``PASSWORD_HASH_COST``)."""

from __future__ import annotations

import dataclasses

import pytest

from api.auth.passwords import hash_password, verify_password
from core.settings import AuthSettings

STANDARD = AuthSettings(secret_key="s" * 32)
MINIMAL = dataclasses.replace(STANDARD, password_hash_cost="minimal")


@pytest.mark.parametrize(
    ("auth", "parameters"),
    [(STANDARD, "$argon2id$v=19$m=65536,t=3,p=4$"), (MINIMAL, "$argon2id$v=19$m=64,t=1,p=1$")],
    ids=["standard", "minimal"],
)
async def test_a_hash_carries_the_configured_cost(auth: AuthSettings, parameters: str) -> None:
    password_hash = await hash_password(auth, "practice-every-day")

    assert password_hash.startswith(parameters)
    assert await verify_password(auth, password_hash, "practice-every-day")
    assert not await verify_password(auth, password_hash, "practice-every-night")


async def test_a_hash_verifies_by_its_own_cost_whatever_the_setting() -> None:
    # Lowering or raising the setting must not lock out accounts hashed before.
    cheap = await hash_password(MINIMAL, "practice-every-day")
    assert await verify_password(STANDARD, cheap, "practice-every-day")


async def test_no_such_user_is_refused() -> None:
    assert not await verify_password(MINIMAL, None, "practice-every-day")
    assert not await verify_password(MINIMAL, "not-a-hash", "practice-every-day")
