"""The HTTP contract every endpoint shares (DESIGN §6): error bodies, request ids, health, schema."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import Account, Api

pytestmark = pytest.mark.api

ERROR_KEYS = {"detail", "error_code", "timestamp", "request_id"}
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NOWHERE = "/api/v1/no-such-route"
LOGIN = "/api/v1/auth/login"
JSON = "application/json"


def _send(api: Api, account: Account, method: str, path: str, auth: bool, **kwargs: object) -> httpx.Response:
    headers = dict(account.headers) if auth else {}
    headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
    return api.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def owned_recording(api: Api, clip_small: Path) -> tuple[Account, str]:
    """A real recording, so a PATCH body is parsed and applied rather than stopped by a 404."""
    owner = api.register()
    return owner, api.accepted(owner, clip_small)["id"]


ERROR_CASES = [
    pytest.param("GET", "/api/v1/users/me", False, {}, 401, id="401-no-token"),
    pytest.param("POST", LOGIN, False, {"json": {"login": "nobody-here", "password": "x" * 8}}, 401, id="401-login"),
    pytest.param("POST", LOGIN, False, {"content": b"{", "headers": {"content-type": JSON}}, 400, id="400"),
    pytest.param("POST", "/api/v1/auth/register", False, {"json": {"email": "x"}}, 422, id="422"),
    pytest.param("GET", f"/api/v1/recordings/{uuid.uuid4()}", True, {}, 404, id="404-recording"),
    pytest.param("GET", f"/api/v1/jobs/{uuid.uuid4()}", True, {}, 404, id="404-job"),
    pytest.param("GET", "/media/recordings/a/b/sd.mp4", False, {"params": {"expires": 1, "sig": "x"}}, 403, id="403"),
    pytest.param("GET", NOWHERE, True, {}, 404, id="404-no-route"),
    pytest.param("DELETE", "/api/v1/users/me", True, {}, 405, id="405"),
]


@pytest.mark.parametrize(("method", "path", "auth", "kwargs", "status"), ERROR_CASES)
def test_error_bodies_share_one_shape(
    api: Api, account: Account, method: str, path: str, auth: bool, kwargs: dict, status: int
) -> None:
    r = _send(api, account, method, path, auth, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", body["error_code"]), body
    stamp = dt.datetime.fromisoformat(body["timestamp"])
    assert stamp.tzinfo is not None, "timestamps carry their offset"
    assert body["request_id"], "the body names the request"
    assert r.headers.get("x-request-id") == body["request_id"]


@pytest.mark.parametrize(
    ("method", "path", "auth"),
    [
        ("GET", "/health/live", False),
        ("GET", "/health/ready", False),
        ("GET", "/schema/openapi.json", False),
        ("GET", "/api/v1/users/me", True),
        ("GET", "/api/v1/recordings", True),
        ("GET", "/api/v1/users/me", False),
        pytest.param("GET", NOWHERE, False, id="GET-no-route"),
        pytest.param("PUT", "/health/live", False, id="PUT-health-405"),
    ],
)
def test_every_response_carries_a_request_id(api: Api, account: Account, method: str, path: str, auth: bool) -> None:
    r = _send(api, account, method, path, auth)
    assert SANE_ID.match(r.headers.get("x-request-id", "")), dict(r.headers)


def test_request_ids_differ_between_requests(api: Api) -> None:
    ids = {api.http.get("/health/live").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize("path", ["/health/live", "/api/v1/users/me"])
def test_sane_incoming_request_id_is_echoed(api: Api, path: str) -> None:
    incoming = f"trace-{uuid.uuid4().hex[:12]}.retry_1"
    r = api.http.get(path, headers={"X-Request-ID": incoming})
    assert r.headers["x-request-id"] == incoming
    if r.status_code >= 400:
        assert r.json()["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["a" * 200, "<script>alert(1)</script>", "two words", "semi;colon", 'quote"d', "ünïcode"],
    ids=["200-chars", "script", "space", "semicolon", "quote", "non-ascii"],
)
def test_malicious_incoming_request_id_is_replaced(api: Api, incoming: str) -> None:
    r = api.http.get("/api/v1/users/me", headers={"X-Request-ID": incoming.encode()})
    assert r.status_code == 401
    echoed = r.headers["x-request-id"]
    assert echoed != incoming and SANE_ID.match(echoed)
    assert r.json()["request_id"] == echoed


def test_unknown_route_is_404_not_found(api: Api, account: Account) -> None:
    for headers in ({}, account.headers):
        r = api.http.get(NOWHERE, headers=headers)
        assert r.status_code == 404, r.text
        assert r.json()["error_code"] == "not_found"


def test_unknown_recording_id_format_is_404_not_500(api: Api, account: Account) -> None:
    r = api.http.get("/api/v1/recordings/not-a-uuid", headers=account.headers)
    assert r.status_code == 404, r.text


def test_wrong_method_is_405(api: Api, account: Account) -> None:
    r = api.http.put("/api/v1/users/me", headers=account.headers, json={})
    assert r.status_code == 405, r.text
    assert r.json()["error_code"] == "method_not_allowed"
    assert "GET" in r.headers["allow"]
    assert api.http.get("/api/v1/auth/login").status_code == 405


@pytest.mark.parametrize(
    "body",
    [b"{", b"not json", b"\xff\xfe\x00", b"[]", b'"login"', b"null", b'{"login": 1, "password": []}', b""],
    ids=["truncated", "text", "binary", "array", "string", "null", "wrong-types", "empty"],
)
@pytest.mark.parametrize("path", [LOGIN, "/api/v1/auth/register", "/api/v1/auth/refresh", "recording"])
def test_malformed_json_is_a_client_error(
    api: Api, owned_recording: tuple[Account, str], path: str, body: bytes
) -> None:
    headers = {"content-type": JSON}
    if path == "recording":
        owner, recording_id = owned_recording
        r = api.http.patch(f"/api/v1/recordings/{recording_id}", headers={**headers, **owner.headers}, content=body)
    else:
        r = api.http.post(path, headers=headers, content=body)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error_code"]


def test_health_live(api: Api) -> None:
    r = api.http.get("/health/live")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_health_ready_checks_every_dependency(api: Api) -> None:
    r = api.http.get("/health/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "ok", "object_store": "ok"}


def test_openapi_schema_describes_the_api(api: Api) -> None:
    r = api.http.get("/schema/openapi.json")
    assert r.status_code == 200, r.text
    schema = r.json()
    assert re.fullmatch(r"3\.1\.\d+", schema["openapi"]), schema["openapi"]
    paths = schema["paths"]
    for path in ("/api/v1/recordings", "/api/v1/jobs/{job_id}", "/api/v1/events", "/api/v1/auth/login"):
        assert path in paths, sorted(paths)
    assert {"get", "post"} <= set(paths["/api/v1/recordings"])
    assert "/media/{key}" not in paths, "the signed media route is internal"
    assert "BearerToken" in schema["components"]["securitySchemes"]
