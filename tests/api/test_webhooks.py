"""Webhooks: creation (secret once), signed deliveries to a real local receiver, the delivery log,
retries with backoff then failure, no redirects, production refusals of private targets (at
creation and at delivery), and deliveries removed with their recording."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from core.webhook_signing import verify
from core.webhook_targets import TargetRefused, check_url
from core.settings import Settings
from jobs.tasks import DELIVER_WEBHOOK
from tests.api.mail import InlineMailbox
from tests.api.notify_support import Receiver, raise_notification, start_receiver
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import share, unprocessable_recording, verified
from tests.inline_worker import run_queued

pytestmark = pytest.mark.api


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from start_receiver()


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def _create(api: Api, account: Account, url: str, events: list[str]) -> dict:
    r = api.http.post("/api/v1/webhooks", headers=account.headers, json={"url": url, "events": events})
    assert r.status_code == 201, r.text
    return r.json()


def _deliveries(api: Api, account: Account, webhook_id: str) -> list[dict]:
    r = api.http.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=account.headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _due_now(base_env: dict[str, str], delivery_id: str) -> None:
    """Skip the backoff wait: the next attempt's outbox row becomes due."""
    sql(
        base_env["DATABASE_URL"],
        "UPDATE outbox SET available_at = now()"
        " WHERE actor_name = $1 AND sent_at IS NULL AND args->>'delivery_id' = $2",
        DELIVER_WEBHOOK.name,
        delivery_id,
    )


def test_the_secret_is_shown_once_and_the_webhook_is_listed(api: Api, owner: Account, receiver: Receiver) -> None:
    created = _create(api, owner, receiver.url, ["comment.created", "assessment.created"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    shown = api.http.get(f"/api/v1/webhooks/{created['id']}", headers=owner.headers).json()
    assert "secret" not in shown and shown["events"] == ["assessment.created", "comment.created"]
    listed = api.http.get("/api/v1/webhooks", headers=owner.headers).json()
    assert (listed["total"], [w["id"] for w in listed["items"]]) == (1, [created["id"]])
    assert "secret" not in listed["items"][0]
    assert api.http.delete(f"/api/v1/webhooks/{created['id']}", headers=owner.headers).status_code == 204
    assert api.http.get(f"/api/v1/webhooks/{created['id']}", headers=owner.headers).status_code == 404


def test_a_delivery_is_signed_and_logged(api: Api, owner: Account, receiver: Receiver, settings: Settings) -> None:
    # By name: the request goes to a checked address, the name kept in Host
    hook = _create(api, owner, receiver.url.replace("127.0.0.1", "localhost"), ["comment.created"])
    data = {"recording_id": None, "comment_id": "c-1", "at_seconds": 12.5}
    raise_notification(settings, owner.id, kind="comment.created", data=data)
    raise_notification(settings, owner.id, kind="assessment.created")  # not subscribed
    run_queued(settings)

    (delivery,) = _deliveries(api, owner, hook["id"])
    (request,) = receiver.for_delivery(delivery["id"])
    assert verify(hook["secret"], request.headers["cadenza-signature"], request.body, now=int(time.time()))
    assert request.headers["cadenza-event"] == "comment.created"
    assert request.headers["host"] == f"localhost:{receiver.server.server_address[1]}"
    body = json.loads(request.body)
    assert body["id"] == delivery["id"] and body["event"] == "comment.created"
    assert body["data"]["comment_id"] == "c-1" and body["data"]["at_seconds"] == 12.5
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 1 and delivery["response_code"] == 200
    assert delivery["error"] is None and delivery["duration_ms"] >= 0 and delivery["delivered_at"]


def test_a_failing_receiver_is_retried_with_backoff_then_the_delivery_fails(
    api: Api, owner: Account, receiver: Receiver, settings: Settings, base_env: dict[str, str]
) -> None:
    receiver.status = 500
    hook = _create(api, owner, receiver.url, ["*"])
    raise_notification(settings, owner.id)
    run_queued(settings)
    (delivery,) = _deliveries(api, owner, hook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["response_code"]) == ("pending", 1, 500)
    assert delivery["error"] == "HTTP 500" and delivery["next_attempt_at"] > delivery["last_attempt_at"]
    for _ in range(DELIVER_WEBHOOK.max_attempts - 1):
        _due_now(base_env, delivery["id"])
        run_queued(settings)
    (delivery,) = _deliveries(api, owner, hook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("failed", DELIVER_WEBHOOK.max_attempts)
    assert delivery["next_attempt_at"] is None
    requests = receiver.for_delivery(delivery["id"])
    assert len(requests) == DELIVER_WEBHOOK.max_attempts
    assert len({r.body for r in requests}) == 1  # the same event each time, only the signature's time moves


def test_redirects_are_not_followed(api: Api, owner: Account, receiver: Receiver, settings: Settings) -> None:
    receiver.status, receiver.location = 302, receiver.url.replace("/hook", "/elsewhere")
    hook = _create(api, owner, receiver.url, ["comment.created"])
    raise_notification(settings, owner.id)
    run_queued(settings)
    (delivery,) = _deliveries(api, owner, hook["id"])
    assert (delivery["response_code"], delivery["error"]) == (302, "HTTP 302")
    assert [r.path for r in receiver.requests] == ["/hook"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://example.org/hook", "events": ["comment.created"]}, "invalid_webhook_url"),
        ({"url": "not a url", "events": ["comment.created"]}, "invalid_webhook_url"),
        ({"url": "https://example.org/hook", "events": ["comment.exploded"]}, "unknown_notification_kind"),
        ({"url": "https://example.org/hook", "events": []}, "validation_error"),
        ({"url": "https://example.org/hook"}, "validation_error"),
        ({"url": "https://example.org/hook", "events": ["comment.created"], "secret": "mine"}, "validation_error"),
    ],
)
def test_bad_webhooks_are_refused(api: Api, owner: Account, body: dict, code: str) -> None:
    r = api.http.post("/api/v1/webhooks", headers=owner.headers, json=body)
    assert (r.status_code, r.json()["error_code"]) == (422, code)


def test_private_targets_are_refused_in_production(settings: Settings) -> None:
    production = settings.replace(environment="production")
    for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.0.0.7/x", "http://[::1]/x",
                "http://169.254.169.254/latest/meta-data", "http://192.168.0.1/x"):
        with pytest.raises(TargetRefused) as caught:
            asyncio.run(check_url(url, production=production.is_production))
        assert caught.value.error_code == "webhook_target_refused", url
    asyncio.run(check_url("http://127.0.0.1:9/x", production=settings.is_production))  # allowed in development


def test_the_production_api_refuses_a_loopback_webhook(settings: Settings, base_env: dict[str, str]) -> None:
    with TestClient(create_app(settings.replace(environment="production")), base_url="http://cadenza.test") as client:
        production_api = Api(client)
        account = verified(production_api, base_env)
        r = client.post(
            "/api/v1/webhooks", headers=account.headers, json={"url": "http://localhost:8080/h", "events": ["*"]}
        )
        assert (r.status_code, r.json()["error_code"]) == (422, "webhook_target_refused")


def test_a_name_rebound_to_a_private_address_is_refused_at_delivery(
    api: Api, owner: Account, receiver: Receiver, settings: Settings
) -> None:
    # Accepted while not in production; in production the delivery resolves again and refuses it.
    hook = _create(api, owner, receiver.url.replace("127.0.0.1", "localhost"), ["comment.created"])
    raise_notification(settings, owner.id)
    run_queued(settings.replace(environment="production"))
    (delivery,) = _deliveries(api, owner, hook["id"])
    assert (delivery["status"], delivery["error"], delivery["attempts"]) == ("failed", "webhook_target_refused", 1)
    assert receiver.requests == []


def test_deleting_a_recording_removes_its_pending_deliveries(
    api: Api, owner: Account, receiver: Receiver, settings: Settings, base_env: dict[str, str]
) -> None:
    friend = verified(api, base_env)
    hook = _create(api, friend, receiver.url, ["recording.shared"])
    recording_id = unprocessable_recording(api, owner)
    assert share(api, owner, recording_id, friend).status_code == 201
    (pending,) = _deliveries(api, friend, hook["id"])
    assert (pending["status"], pending["recording_id"]) == ("pending", recording_id)

    assert api.http.delete(f"/api/v1/recordings/{recording_id}", headers=owner.headers).status_code == 204
    assert _deliveries(api, friend, hook["id"]) == []
    run_queued(settings)
    assert receiver.for_delivery(pending["id"]) == []


def test_only_the_owner_sees_a_webhook(api: Api, owner: Account, receiver: Receiver, base_env: dict[str, str]) -> None:
    hook = _create(api, owner, receiver.url, ["*"])
    stranger = verified(api, base_env)
    for method, path in (
        ("GET", f"/api/v1/webhooks/{hook['id']}"),
        ("GET", f"/api/v1/webhooks/{hook['id']}/deliveries"),
        ("DELETE", f"/api/v1/webhooks/{hook['id']}"),
    ):
        r = api.http.request(method, path, headers=stranger.headers)
        assert (r.status_code, r.json()["error_code"]) == (404, "webhook_not_found")
    assert api.http.get("/api/v1/webhooks", headers=stranger.headers).json()["total"] == 0
    unknown = api.http.get(f"/api/v1/webhooks/{uuid.uuid4()}", headers=owner.headers)
    assert unknown.status_code == 404


def test_an_account_has_at_most_ten_webhooks(api: Api, owner: Account) -> None:
    for n in range(10):
        _create(api, owner, f"https://example.org/hook/{n}", ["*"])
    r = api.http.post("/api/v1/webhooks", headers=owner.headers, json={"url": "https://example.org/x", "events": ["*"]})
    assert (r.status_code, r.json()["error_code"]) == (409, "too_many_webhooks")


def test_the_pipelines_notify_step_fans_out_by_preference(
    api: Api, owner: Account, receiver: Receiver, settings: Settings, clip_small: Path, mailbox: InlineMailbox
) -> None:
    # Given mail turned on for recording.ready (off by default) and a webhook for it
    r = api.http.put(
        "/api/v1/users/me/notification-settings",
        headers=owner.headers,
        json={"settings": {"recording.ready": {"email": True}}},
    )
    assert r.status_code == 200
    hook = _create(api, owner, receiver.url, ["recording.ready"])
    # When the pipeline finishes (its notify step runs in the worker)
    _, recording = api.process(owner, clip_small, title="scales")
    assert recording["status"] == "ready"
    run_queued(settings)
    # Then the webhook got the event about that recording, and the owner a mail linking to it
    (delivery,) = _deliveries(api, owner, hook["id"])
    assert delivery["event"] == "recording.ready" and delivery["status"] == "succeeded"
    assert delivery["recording_id"] == recording["id"]
    (request,) = receiver.for_delivery(delivery["id"])
    assert json.loads(request.body)["data"]["recording_id"] == recording["id"]
    items = api.http.get("/api/v1/notifications", headers=owner.headers).json()["items"]
    (note,) = [n for n in items if n["kind"] == "recording.ready"]
    (mail,) = mailbox.about(owner.email, note["id"])
    assert f"/recordings/{recording['id']}" in mail.get_body(("plain",)).get_content()
