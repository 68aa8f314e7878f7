"""Notifications: the list's unread count, marking read, preferences per kind and channel, and the
fan-out of one notification to the app, mail and live events, each at most once."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from redis.asyncio import Redis

from core.settings import Settings
from tests.api.mail import InlineMailbox
from tests.api.notify_support import raise_notification
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import notifications, set_user_columns
from tests.e2e.auth_support import sql

pytestmark = pytest.mark.api

SETTINGS = "/api/v1/users/me/notification-settings"


def _page(api: Api, account: Account, **params: object) -> dict:
    r = api.http.get("/api/v1/notifications", headers=account.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_list_counts_unread_and_marks_read_one_or_all(api: Api, account: Account, settings: Settings) -> None:
    for _ in range(3):
        raise_notification(settings, account.id)
    page = _page(api, account)
    assert (page["total"], page["unread_count"]) == (3, 3)
    first = page["items"][0]["id"]

    r = api.http.put(f"/api/v1/notifications/{first}/read", headers=account.headers)
    assert (r.status_code, r.json()) == (200, {"marked": 1})
    again = api.http.put(f"/api/v1/notifications/{first}/read", headers=account.headers)
    assert again.json() == {"marked": 0}
    unread = _page(api, account, unread="true")
    assert (unread["total"], unread["unread_count"]) == (2, 2)
    assert first not in {n["id"] for n in unread["items"]}
    assert _page(api, account)["items"][0]["read_at"] is not None

    r = api.http.put("/api/v1/notifications/read-all", headers=account.headers)
    assert (r.status_code, r.json()) == (200, {"marked": 2})
    assert _page(api, account)["unread_count"] == 0


def test_only_the_recipient_may_mark_a_notification(api: Api, account: Account, settings: Settings) -> None:
    raise_notification(settings, account.id)
    mine = _page(api, account)["items"][0]["id"]
    stranger = api.register()
    r = api.http.put(f"/api/v1/notifications/{mine}/read", headers=stranger.headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "notification_not_found")
    assert _page(api, account)["unread_count"] == 1
    # read-all is the caller's own: the stranger's call leaves the recipient's unread
    api.http.put("/api/v1/notifications/read-all", headers=stranger.headers)
    assert _page(api, account)["unread_count"] == 1


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/notifications/not-a-uuid/read", 404, None),
        ("/api/v1/notifications/00000000-0000-0000-0000-000000000000/read", 404, "notification_not_found"),
    ],
)
def test_bad_notification_ids(api: Api, account: Account, path: str, status: int, code: str | None) -> None:
    r = api.http.put(path, headers=account.headers)
    assert r.status_code == status and "error_code" in r.json()
    if code:
        assert r.json()["error_code"] == code


def test_settings_show_every_kind_with_defaults_and_change_in_part(api: Api, account: Account) -> None:
    r = api.http.get(SETTINGS, headers=account.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["channels"] == ["in_app", "email", "webhook"]
    assert {"recording.ready", "comment.created", "assessment.created", "submission.graded"} <= set(body["kinds"])
    assert body["settings"]["comment.created"] == {"in_app": True, "email": True, "webhook": True}
    assert body["settings"]["recording.ready"]["email"] is False
    assert "default" in body["settings"]

    r = api.http.put(SETTINGS, headers=account.headers, json={"settings": {"comment.created": {"email": False}}})
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["comment.created"] == {"in_app": True, "email": False, "webhook": True}
    r = api.http.put(SETTINGS, headers=account.headers, json={"settings": {"comment.created": {"in_app": False}}})
    assert r.json()["settings"]["comment.created"] == {"in_app": False, "email": False, "webhook": True}
    assert api.http.get(SETTINGS, headers=account.headers).json() == r.json()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"settings": {"comment.deleted": {"email": False}}}, "unknown_notification_kind"),
        ({"settings": {"comment.created": {"sms": True}}}, "unknown_channel"),
        ({"settings": {"comment.created": {"email": "yes"}}}, "validation_error"),
        ({"settings": ["comment.created"]}, "validation_error"),
        ({"prefs": {}}, "validation_error"),
    ],
)
def test_bad_settings_are_refused(api: Api, account: Account, body: object, code: str) -> None:
    r = api.http.put(SETTINGS, headers=account.headers, json=body)
    assert (r.status_code, r.json()["error_code"]) == (422, code)


def test_a_notification_is_mailed_with_the_link_to_the_moment(
    api: Api, base_env: dict[str, str], settings: Settings, mailbox: InlineMailbox
) -> None:
    student = api.register()
    set_user_columns(base_env["DATABASE_URL"], student.id, email_verified=True)
    data = {"recording_id": "6f1c2a4e-0000-4000-8000-000000000001", "comment_id": "c1", "at_seconds": 83.5}
    raise_notification(settings, student.id, data=data)
    notification_id = _page(api, student)["items"][0]["id"]

    (mail,) = mailbox.about(student.email, notification_id)
    assert mail["To"].addresses[0].addr_spec == student.email
    link = f"{settings.public_base_url}/recordings/6f1c2a4e-0000-4000-8000-000000000001?t=83.5"
    assert link in mail.get_body(("plain",)).get_content()
    assert link in mail.get_body(("html",)).get_content()
    assert mail["Message-ID"] == f"<notification.{notification_id}@{mail['Message-ID'].split('@')[1][:-1]}>"


def test_preferences_choose_the_channels(
    api: Api, base_env: dict[str, str], settings: Settings, mailbox: InlineMailbox
) -> None:
    student = api.register()
    set_user_columns(base_env["DATABASE_URL"], student.id, email_verified=True)
    api.http.put(
        SETTINGS,
        headers=student.headers,
        json={"settings": {"comment.created": {"in_app": False}, "assessment.created": {"email": False}}},
    )
    assert raise_notification(settings, student.id, kind="comment.created")
    assert raise_notification(settings, student.id, kind="assessment.created")
    # in_app off: not listed (and not counted), but mailed
    assert [n["kind"] for n in _page(api, student)["items"]] == ["assessment.created"]
    assert _page(api, student)["unread_count"] == 1
    rows = sql(
        base_env["DATABASE_URL"], "SELECT id, kind FROM notifications WHERE user_id = $1", uuid.UUID(student.id)
    )
    mailed = {row["kind"] for row in rows if mailbox.about(student.email, str(row["id"]))}
    assert mailed == {"comment.created"}


def test_an_unverified_address_gets_no_mail(
    api: Api, account: Account, settings: Settings, mailbox: InlineMailbox
) -> None:
    raise_notification(settings, account.id)
    notification_id = _page(api, account)["items"][0]["id"]
    assert mailbox.about(account.email, notification_id) == []


def test_the_same_event_raised_twice_is_one_row_and_one_mail(
    api: Api, base_env: dict[str, str], settings: Settings, mailbox: InlineMailbox
) -> None:
    student = api.register()
    set_user_columns(base_env["DATABASE_URL"], student.id, email_verified=True)
    key = f"comment.created:{student.id}:once"
    assert raise_notification(settings, student.id, dedupe_key=key) is True
    assert raise_notification(settings, student.id, dedupe_key=key) is False
    items = _page(api, student)["items"]
    assert len(items) == 1
    assert len(mailbox.about(student.email, items[0]["id"])) == 1


@pytest.mark.parametrize(
    ("kind", "events"),
    [
        ("assessment.created", ["notification", "assessment.created"]),
        ("comment.replied", ["notification", "comment.replied"]),
        # the pipeline already sends "recording.ready" (with the job's body): not a second one
        ("recording.ready", ["notification"]),
    ],
)
def test_live_events_are_named_by_kind_beside_notification(
    api: Api, account: Account, settings: Settings, kind: str, events: list[str]
) -> None:
    async def listen() -> list[dict]:
        redis = Redis.from_url(settings.redis.url)
        pubsub = redis.pubsub()
        await pubsub.subscribe(f"cadenza:events:user:{account.id}")
        await pubsub.get_message(timeout=1)  # the subscribe confirmation
        await asyncio.to_thread(raise_notification, settings, account.id, kind=kind)
        seen = []
        while message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=2):
            seen.append(json.loads(message["data"]))
        await pubsub.aclose()
        await redis.aclose()
        return seen

    seen = asyncio.run(listen())
    assert [e["event"] for e in seen] == events
    assert all(e["data"] == seen[0]["data"] and e["data"]["kind"] == kind for e in seen)


def test_a_shared_recording_notifies_through_the_fan_out(api: Api, base_env: dict[str, str]) -> None:
    from tests.e2e.authz_support import share, unprocessable_recording, verified

    owner, friend = verified(api, base_env), verified(api, base_env)
    recording_id = unprocessable_recording(api, owner)
    assert share(api, owner, recording_id, friend).status_code == 201
    (shared,) = notifications(api, friend, "recording.shared")
    assert shared["data"]["recording_id"] == recording_id
