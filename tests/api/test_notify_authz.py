"""Authorization matrix of the notification, webhook, people and page routes: who gets what.

Callers: the resource's owner (the notification's recipient), another verified user, nobody, an
account whose e-mail is not verified, and an admin. Someone else's notification or webhook is 404
for everyone but its owner (admins included: a webhook's URL and log are its owner's business).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.settings import Settings
from tests.api.notify_support import raise_notification
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin, headers, verified

pytestmark = pytest.mark.api

CALLERS = ("owner", "other", "anonymous", "unverified", "admin")


@dataclass
class World:
    other: Account
    unverified: Account
    admin: Account

    def caller(self, name: str, owner: Account) -> Account | None:
        return None if name == "anonymous" else owner if name == "owner" else getattr(self, name)


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    return World(verified(api, base_env), api.register(), admin(api, base_env))


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    """A fresh owner per cell: each cell creates its own webhook or notification."""
    return verified(api, base_env)


def _webhook(api: Api, owner: Account) -> str:
    r = api.http.post("/api/v1/webhooks", headers=owner.headers, json={"url": "http://127.0.0.1:9/h", "events": ["*"]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _notification(api: Api, settings: Settings, owner: Account) -> str:
    raise_notification(settings, owner.id)
    return api.http.get("/api/v1/notifications", headers=owner.headers).json()["items"][0]["id"]


#: (method, path template, body, expected status per caller in CALLERS order)
MATRIX = [
    ("GET", "/api/v1/notifications", None, (200, 200, 401, 200, 200)),
    ("PUT", "/api/v1/notifications/{notification}/read", None, (200, 404, 401, 404, 404)),
    ("PUT", "/api/v1/notifications/read-all", None, (200, 200, 401, 200, 200)),
    ("GET", "/api/v1/users/me/notification-settings", None, (200, 200, 401, 200, 200)),
    ("PUT", "/api/v1/users/me/notification-settings", {"settings": {"recording.ready": {"email": True}}},
     (200, 200, 401, 200, 200)),
    ("POST", "/api/v1/webhooks", {"url": "https://example.org/h", "events": ["comment.created"]},
     (201, 201, 401, 403, 201)),
    ("GET", "/api/v1/webhooks", None, (200, 200, 401, 200, 200)),
    ("GET", "/api/v1/webhooks/{webhook}", None, (200, 404, 401, 404, 404)),
    ("GET", "/api/v1/webhooks/{webhook}/deliveries", None, (200, 404, 401, 404, 404)),
    ("DELETE", "/api/v1/webhooks/{webhook}", None, (204, 404, 401, 404, 404)),
    ("GET", "/api/v1/users/teachers", None, (200, 200, 401, 200, 200)),
    ("GET", "/api/v1/users/lookup?username={owner}", None, (200, 200, 401, 200, 200)),
    ("GET", "/api/v1/auth/me", None, (200, 200, 401, 200, 200)),
    ("GET", "/verify?token=anything", None, (200, 200, 200, 200, 200)),
    ("GET", "/reset-password?token=anything", None, (200, 200, 200, 200, 200)),
]
CELLS = [
    pytest.param(method, path, body, caller, expected[i], id=f"{method} {path} as {caller}")
    for method, path, body, expected in MATRIX
    for i, caller in enumerate(CALLERS)
]


@pytest.mark.parametrize(("method", "template", "body", "caller", "status"), CELLS)
def test_authorization_matrix(
    api: Api,
    settings: Settings,
    world: World,
    owner: Account,
    method: str,
    template: str,
    body: dict | None,
    caller: str,
    status: int,
) -> None:
    values = {"owner": owner.username}
    if "{webhook}" in template:
        values["webhook"] = _webhook(api, owner)
    if "{notification}" in template:
        values["notification"] = _notification(api, settings, owner)
    r = api.http.request(method, template.format(**values), headers=headers(world.caller(caller, owner)), json=body)
    assert r.status_code == status, r.text
    if status >= 400:
        assert r.json()["error_code"]


def test_an_unverified_recipient_may_read_its_notifications(api: Api, settings: Settings, world: World) -> None:
    notification = _notification(api, settings, world.unverified)
    r = api.http.put(f"/api/v1/notifications/{notification}/read", headers=world.unverified.headers)
    assert (r.status_code, r.json()) == (200, {"marked": 1})
