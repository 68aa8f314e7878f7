"""Event streams stay authorised while they are open, and each user and client address may hold
only so many at once (issue 11 item 3). The web app runs in this process with a 1 s keep-alive."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import httpx
import jwt
import pytest
from redis import Redis

from core.events import encode_event, user_channel
from core.limits import StreamLimits
from core.settings import Settings
from tests.integration.live_app import EventStream, error_code, live_app, sign_up, sql

_addresses = itertools.count(1)


def new_ip() -> str:
    n = next(_addresses)
    return f"10.77.{n >> 8 & 255}.{n & 255}"


@pytest.fixture(scope="module")
def app_settings(settings: Settings) -> Settings:
    return settings.replace(streams=StreamLimits(per_user=2, per_address=3, keepalive_seconds=1.0))


@pytest.fixture(scope="module")
def base_url(app_settings: Settings) -> Iterator[str]:
    with live_app(app_settings) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def publish(redis_url: str, user_id: str, event: str) -> None:
    with Redis.from_url(redis_url) as redis:
        redis.publish(user_channel(user_id), encode_event(event, {"n": 1}))


def assert_closed_with(stream: EventStream, code: str) -> None:
    closed = stream.wait_for("stream.closed")
    assert closed["error_code"] == code, closed
    assert stream.ended.wait(10), "the stream stayed open"


def test_a_logged_out_session_stops_receiving_events(http: httpx.Client, base_url: str, redis_url: str) -> None:
    # Given a signed-in user listening to their events, which arrive
    me = sign_up(http)
    stream = EventStream(base_url, me.access_token).open()
    publish(redis_url, me.user_id, "before.logout")
    stream.wait_for("before.logout")

    # When the session logs out and another event is published
    assert http.post("/api/v1/auth/logout", headers=me.headers).status_code == 204
    publish(redis_url, me.user_id, "after.logout")

    # Then the stream says why and ends, without delivering the event
    assert_closed_with(stream, "token_revoked")
    assert "after.logout" not in stream.names()


def test_a_password_change_ends_the_streams_of_older_tokens(http: httpx.Client, base_url: str) -> None:
    me = sign_up(http)
    stream = EventStream(base_url, me.access_token).open()

    body = {"current_password": "practice-every-day", "new_password": "a-brand-new-secret"}
    assert http.post("/api/v1/auth/password/change", json=body, headers=me.headers).status_code == 200

    # Then at the next keep-alive at the latest, with no event published
    assert_closed_with(stream, "token_revoked")


def test_a_deactivated_account_loses_its_stream(http: httpx.Client, base_url: str, database_url: str) -> None:
    me = sign_up(http)
    stream = EventStream(base_url, me.access_token).open()

    sql(database_url, "UPDATE users SET is_active = false WHERE id = $1::uuid", me.user_id)

    assert_closed_with(stream, "account_inactive")


def test_a_stream_ends_when_its_token_expires(http: httpx.Client, base_url: str, app_settings: Settings) -> None:
    # Given a token (signed with the deployment's key) that expires in two seconds
    me = sign_up(http)
    claims = jwt.decode(me.access_token, options={"verify_signature": False})
    claims["exp"] = int((dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).timestamp())
    short_lived = jwt.encode(claims, app_settings.auth.secret_key, algorithm="HS256")
    stream = EventStream(base_url, short_lived).open()

    assert_closed_with(stream, "token_expired")


def test_a_user_may_hold_only_so_many_streams(http: httpx.Client, base_url: str) -> None:
    # Given a user with the two streams allowed, each from another address
    me = sign_up(http)
    first = EventStream(base_url, me.access_token, ip=new_ip()).open()
    EventStream(base_url, me.access_token, ip=new_ip()).open()

    # Then a third is refused
    r = http.get("/api/v1/events", params={"access_token": me.access_token}, headers={"X-Forwarded-For": new_ip()})
    assert error_code(r, 429) == "too_many_streams"
    assert int(r.headers["retry-after"]) >= 1

    # And once one is closed by its client, a new one may open
    first.close()
    third = None
    for _ in range(60):
        candidate = EventStream(base_url, me.access_token, ip=new_ip()).open()
        if candidate.status == 200:
            third = candidate
            break
        candidate.ended.wait(1)
    assert third is not None, "the closed stream's slot was never given back"


def test_a_client_address_may_hold_only_so_many_streams(http: httpx.Client, base_url: str) -> None:
    # Given three users behind one address, each with a stream open
    ip = new_ip()
    for _ in range(3):
        EventStream(base_url, sign_up(http).access_token, ip=ip).open()

    # Then a fourth user behind it is refused, and the same user elsewhere is not
    fourth = sign_up(http)
    r = http.get("/api/v1/events", params={"access_token": fourth.access_token}, headers={"X-Forwarded-For": ip})
    assert error_code(r, 429) == "too_many_streams"
    assert EventStream(base_url, fourth.access_token, ip=new_ip()).open().status == 200
