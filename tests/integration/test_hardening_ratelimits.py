"""Rate limits on their real defaults (issue 11 item 4): a school behind one router signs up and
in freely, only failures count, a success clears an account's failures, forgot/reset/change are
counted apart, and nobody but the owner can lock the owner out. In-process web app."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest

from core.account_tokens import RESET_PASSWORD, derive_token
from core.settings import Settings
from tests.conftest import LENIENT_RATE_LIMITS
from tests.integration.live_app import PASSWORD, error_code, from_address, live_app, log_in, sign_up, sql

_addresses = itertools.count(1)


def new_ip() -> str:
    n = next(_addresses)
    return f"10.88.{n >> 8 & 255}.{n & 255}"


@pytest.fixture(scope="module")
def app_settings(base_env: dict[str, str]) -> Settings:
    env = {name: value for name, value in base_env.items() if name not in LENIENT_RATE_LIMITS}
    return Settings.from_env(env)


@pytest.fixture(scope="module")
def http(app_settings: Settings) -> Iterator[httpx.Client]:
    with live_app(app_settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def login(http: httpx.Client, name: str, password: str, ip: str) -> httpx.Response:
    return http.post("/api/v1/auth/login", json={"login": name, "password": password}, headers=from_address(ip))


def test_a_class_of_thirty_signs_up_and_in_behind_one_router(http: httpx.Client) -> None:
    router = new_ip()
    pupils = [sign_up(http, ip=router) for _ in range(30)]
    for pupil in pupils:  # and again, as after a break
        assert login(http, pupil.username, PASSWORD, router).status_code == 200


def test_failures_count_per_account_and_a_success_clears_them(http: httpx.Client) -> None:
    ip = new_ip()
    me = sign_up(http, ip=ip)
    for _ in range(2):
        # Nine typos, then the right password: the typos are forgiven
        for _ in range(9):
            assert error_code(login(http, me.username, "wrong-password", ip), 401) == "invalid_credentials"
        assert login(http, me.username, PASSWORD, ip).status_code == 200
    # Ten failures in a row fill the account's counter for this address: the right password waits too
    for _ in range(10):
        login(http, me.username, "wrong-password", ip)
    r = login(http, me.username, PASSWORD, ip)
    assert error_code(r, 429) == "rate_limited" and int(r.headers["retry-after"]) > 0


def test_guessers_elsewhere_cannot_lock_the_owner_out(http: httpx.Client) -> None:
    # Given an owner who signs in from home
    home = new_ip()
    owner = sign_up(http, ip=home)
    # When guessers on many addresses try the owner's account until they are stopped
    refused = None
    for _ in range(60):
        r = login(http, owner.email, "guess-" + uuid.uuid4().hex, new_ip())
        if r.status_code == 429:
            refused = r
            break
    assert refused is not None, "guessing one account from many addresses was never slowed"
    # Then the owner still signs in from home
    assert login(http, owner.username, PASSWORD, home).status_code == 200


def test_strangers_forgot_calls_block_neither_the_owners_reset_nor_change(
    http: httpx.Client, app_settings: Settings, database_url: str
) -> None:
    ip = new_ip()
    owner = sign_up(http, ip=ip)
    # Given strangers asking for the owner's reset mail again and again, from anywhere
    for _ in range(8):
        r = http.post("/api/v1/auth/password/forgot", json={"email": owner.email}, headers=from_address(new_ip()))
        assert r.status_code == 202, r.text
    # Then the link in the owner's mailbox (the last one sent) still works
    [row] = sql(
        database_url,
        "SELECT id FROM account_tokens WHERE user_id = $1::uuid AND purpose = $2 AND used_at IS NULL",
        owner.user_id,
        RESET_PASSWORD,
    )
    token = derive_token(app_settings.auth.secret_key, row["id"], RESET_PASSWORD)
    body = {"token": token, "new_password": "my-own-new-password"}
    assert http.post("/api/v1/auth/password/reset", json=body, headers=from_address(ip)).status_code == 204
    # And the owner can change the password, and ask for a reset mail, as often as they need
    session = log_in(http, owner.username, password="my-own-new-password", ip=ip)
    body = {"current_password": "my-own-new-password", "new_password": "yet-another-password"}
    assert http.post("/api/v1/auth/password/change", json=body, headers=session.headers).status_code == 200
    r = http.post("/api/v1/auth/password/forgot", json={"email": owner.email}, headers=from_address(ip))
    assert r.status_code == 202, r.text


def test_one_address_cannot_ask_for_reset_mails_without_end(http: httpx.Client) -> None:
    ip = new_ip()
    answers = [
        http.post("/api/v1/auth/password/forgot", json={"email": f"x{n}@example.test"}, headers=from_address(ip))
        for n in range(31)
    ]
    assert [r.status_code for r in answers[:30]] == [202] * 30
    assert error_code(answers[30], 429) == "rate_limited"
