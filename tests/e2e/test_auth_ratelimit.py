"""Rate limits on a stack of its own with TWO web processes sharing one Redis, with small limits
so that a few requests reach them (the defaults are exercised in-process by
``tests/integration/test_hardening_ratelimits.py``); no ``SMTP_URL``, so mail goes to ``.eml``
files. Client IPs are set with ``X-Forwarded-For``, which uvicorn trusts from 127.0.0.1 (its
default ``FORWARDED_ALLOW_IPS``)."""

from __future__ import annotations

import email
import email.policy
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LENIENT_RATE_LIMITS
from tests.e2e.api import Api
from tests.e2e.auth_support import PASSWORD, bearer, error, identity, me
from tests.e2e.conftest import isolated_env
from tests.e2e.mailbox import mailed_token
from tests.e2e.stack import Stack
from tests.e2e.processes import RedisServer, running_redis

pytestmark = pytest.mark.e2e

_addresses = itertools.count(1)
SMALL_LIMITS = {
    "RATE_LIMIT_LOGIN": "10/60",
    "RATE_LIMIT_LOGIN_ACCOUNT": "5/60",
    "RATE_LIMIT_LOGIN_ACCOUNT_UNKNOWN": "5/60",
    "RATE_LIMIT_PASSWORD": "5/900",
    "RATE_LIMIT_PASSWORD_RESET": "5/900",
    "RATE_LIMIT_REGISTER": "10/3600",
}


def new_ip() -> str:
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _from(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    yield from running_redis(tmp_path_factory.mktemp("ratelimit-redis"))


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ratelimit-stack")


@pytest.fixture(scope="module")
def stack(base_env: dict[str, str], redis_server: RedisServer, var_dir: Path) -> Iterator[Stack]:
    """web, relay and the notify worker on the default limits; mail to .eml files (no SMTP_URL)."""
    with isolated_env(base_env, var_dir, REDIS_URL=redis_server.url) as env:
        for name in LENIENT_RATE_LIMITS:
            env.pop(name)
        env.update(SMALL_LIMITS)
        env.pop("SMTP_URL", None)
        stack = Stack(env=env, log_dir=var_dir / "logs")
        try:
            stack.start(["web", "relay", "notify"])
            yield stack
        except Exception:
            print(stack.all_logs())
            raise
        finally:
            stack.stop()


@pytest.fixture(scope="module")
def webs(stack: Stack) -> Iterator[tuple[Api, Api]]:
    """A client for each of two web processes (the second started from the Procfile's line too)."""
    first, second = Api(stack.base_url), Api(stack.start_web_replica("web2"))
    yield first, second
    first.close()
    second.close()


def _register(api: Api) -> tuple[str, str]:
    name, address = identity()
    body = {"email": address, "username": name, "password": PASSWORD}
    r = api.http.post("/api/v1/auth/register", json=body, headers=_from(new_ip()))
    assert r.status_code == 201, r.text
    return name, address


def _login(api: Api, login: str, password: str, ip: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/login", json={"login": login, "password": password}, headers=_from(ip))


def _assert_limited(r: httpx.Response, window: int) -> None:
    error(r, 429, "rate_limited")
    assert 1 <= int(r.headers["retry-after"]) <= window, r.headers


def test_sixth_failure_in_a_minute_is_refused_across_two_web_processes(webs: tuple[Api, Api]) -> None:
    # Given an account, and one client alternating between the two web processes: successes
    # do not count, and each one clears the account's failures
    username, _ = _register(webs[0])
    ip = new_ip()
    answers = [_login(webs[n % 2], username, "wrong-password" if n % 2 else PASSWORD, ip) for n in range(9)]
    assert [r.status_code for r in answers] == [200, 401] * 4 + [200]
    for n in range(5):
        error(_login(webs[n % 2], username, "wrong-password", ip), 401, "invalid_credentials")

    # When it tries a sixth time after five failures in a row, on either process
    # Then it is refused with Retry-After, even with the right password
    _assert_limited(_login(webs[1], username, PASSWORD, ip), 60)
    _assert_limited(_login(webs[0], username, PASSWORD, ip), 60)


def test_login_failures_are_limited_per_account_from_new_addresses(webs: tuple[Api, Api]) -> None:
    username, address = _register(webs[0])
    home = new_ip()
    assert _login(webs[0], username, PASSWORD, home).status_code == 200
    for n in range(5):
        error(
            _login(webs[n % 2], address if n % 2 else username, "wrong-password", new_ip()), 401, "invalid_credentials"
        )
    _assert_limited(_login(webs[1], username, PASSWORD, new_ip()), 60)
    # The owner, from an address the account signed in from, is not locked out by strangers
    assert _login(webs[0], username, PASSWORD, home).status_code == 200


def test_login_failures_are_limited_per_address_whatever_the_account(webs: tuple[Api, Api]) -> None:
    username, _ = _register(webs[0])
    ip = new_ip()
    for n in range(10):
        error(_login(webs[n % 2], f"ghost-{n}-{username}", PASSWORD, ip), 401, "invalid_credentials")
    _assert_limited(_login(webs[1], username, PASSWORD, ip), 60)
    assert _login(webs[0], username, PASSWORD, new_ip()).status_code == 200


def test_registration_is_limited_per_address(webs: tuple[Api, Api]) -> None:
    ip = new_ip()
    for n in range(11):
        name, address = identity()
        body = {"email": address, "username": name, "password": PASSWORD}
        r = webs[n % 2].http.post("/api/v1/auth/register", json=body, headers=_from(ip))
        if n < 10:
            assert r.status_code == 201, r.text
    _assert_limited(r, 3600)


def test_password_mails_and_resets_are_limited(webs: tuple[Api, Api]) -> None:
    # Per address: the sixth reset mail asked for from one client in 15 minutes
    ip = new_ip()
    for n in range(5):
        _, address = identity()
        r = webs[n % 2].http.post("/api/v1/auth/password/forgot", json={"email": address}, headers=_from(ip))
        assert r.status_code == 202, r.text
    r = webs[1].http.post("/api/v1/auth/password/forgot", json={"email": address}, headers=_from(ip))
    _assert_limited(r, 900)
    # Per address: the sixth reset attempt from one client
    ip, body = new_ip(), {"token": "A" * 43, "new_password": "guessing-tokens-is-futile"}
    for n in range(5):
        error(webs[n % 2].http.post("/api/v1/auth/password/reset", json=body, headers=_from(ip)), 400)
    _assert_limited(webs[0].http.post("/api/v1/auth/password/reset", json=body, headers=_from(ip)), 900)


def test_verification_resends_are_limited_per_account(webs: tuple[Api, Api]) -> None:
    username, _ = _register(webs[0])
    token = _login(webs[0], username, PASSWORD, new_ip()).json()["access_token"]
    for n in range(3):
        r = webs[n % 2].http.post("/api/v1/auth/verify/resend", headers={**bearer(token), **_from(new_ip())})
        assert r.status_code == 202, r.text
    _assert_limited(webs[0].http.post("/api/v1/auth/verify/resend", headers=bearer(token)), 900)


def test_without_smtp_url_mail_is_written_to_eml_files(webs: tuple[Api, Api], var_dir: Path) -> None:
    _, address = _register(webs[1])
    deadline = time.monotonic() + 20
    while not (found := [p for p in (var_dir / "mail").glob("*.eml") if address in p.read_text(errors="replace")]):
        assert time.monotonic() < deadline, "no .eml file for the new account"
        time.sleep(0.1)
    [path] = found
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Confirm your e-mail address for Cadenza"
    assert webs[0].http.post("/api/v1/auth/verify", json={"token": mailed_token(message)}).status_code == 204  # type: ignore[arg-type]


def test_with_redis_down_login_fails_closed_and_sessions_go_on(
    webs: tuple[Api, Api], redis_server: RedisServer
) -> None:
    username, _ = _register(webs[0])
    token = _login(webs[0], username, PASSWORD, new_ip()).json()["access_token"]
    redis_server.kill()
    try:
        for api in webs:
            r = _login(api, username, PASSWORD, new_ip())
            error(r, 503, "rate_limit_unavailable")
            assert int(r.headers["retry-after"]) > 0
            # An open session keeps working (the token denylist fails open)
            assert me(api, token).status_code == 200
    finally:
        redis_server.start()
    assert _login(webs[1], username, PASSWORD, new_ip()).status_code == 200
