"""The OpenAPI document declares the error answers each operation really gives, with the shared
error body (issue 11 item 13): a sweep provokes errors on every operation, as a generated client
or schemathesis would meet them, and checks each one is documented. In-process web app."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from core.settings import Settings
from tests.integration.live_app import live_app, sign_up

#: Never answer (server-sent events) or end the sweep's own session.
SKIP_SIGNED_IN = {"/api/v1/events", "/api/v1/auth/logout", "/api/v1/auth/password/change"}
ERROR_BODY = {"detail", "error_code", "timestamp", "request_id"}


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[httpx.Client]:
    with live_app(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method.upper(), path, operation


def test_every_error_answer_is_documented_with_the_error_body(http: httpx.Client) -> None:
    schema = http.get("/schema/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorBody"]["required"]) == ERROR_BODY
    me = sign_up(http)
    undocumented, seen = [], 0
    for method, path, operation in operations(schema):
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        attempts = [({}, None), ({}, {"unexpected": [1, 2]})]
        if path not in SKIP_SIGNED_IN:
            attempts += [(me.headers, None), (me.headers, {"unexpected": [1, 2]}), (me.headers, {"title": "x" * 5000})]
        for headers, body in attempts:
            r = http.request(method, url, headers=headers, json=body, params={"limit": "-1"})
            if r.status_code < 400:
                continue
            seen += 1
            assert ERROR_BODY <= r.json().keys(), (method, path, r.text)
            documented = operation["responses"].get(str(r.status_code))
            if documented is None:
                undocumented.append(f"{method} {path} -> {r.status_code} {r.json()['error_code']}")
                continue
            ref = documented["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (method, path, r.status_code, documented)
    assert seen > 50
    assert not undocumented, "\n".join(undocumented)
