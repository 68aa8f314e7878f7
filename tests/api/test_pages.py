"""The pages behind the mailed links: /verify and /reset-password show a form (never a 404), only
its POST spends the token, output is escaped, and the token stays out of logs and referrers."""

from __future__ import annotations

import logging
import uuid

import pytest

from core.account_tokens import RESET_PASSWORD, VERIFY_EMAIL, derive_token
from core.settings import Settings
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql

pytestmark = pytest.mark.api


def _token(settings: Settings, base_env: dict[str, str], account: Account, purpose: str) -> str:
    (row,) = sql(
        base_env["DATABASE_URL"],
        "SELECT id FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        uuid.UUID(account.id),
        purpose,
    )
    return derive_token(settings.auth.secret_key, row["id"], purpose)


def _verified(api: Api, account: Account) -> bool:
    return api.http.get("/api/v1/users/me", headers=account.headers).json()["email_verified"]


@pytest.mark.parametrize("path", ["/verify", "/reset-password", "/verify?token=", "/reset-password?token=%20"])
def test_a_link_without_its_token_is_a_page_not_a_404(api: Api, path: str) -> None:
    r = api.http.get(path)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "incomplete" in r.text


def test_the_pages_escape_what_they_show_and_keep_the_token_private(api: Api) -> None:
    hostile = '"><script>alert(1)</script>'
    for path in ("/verify", "/reset-password"):
        r = api.http.get(path, params={"token": hostile})
        assert r.status_code == 200
        assert "<script>" not in r.text and "&quot;&gt;&lt;script&gt;" in r.text
        assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
        assert "script-src" not in r.headers["content-security-policy"]
        assert "form-action 'self'" in r.headers["content-security-policy"]


def test_opening_the_verify_link_changes_nothing_and_its_form_verifies(
    api: Api, account: Account, settings: Settings, base_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    token = _token(settings, base_env, account, VERIFY_EMAIL)
    caplog.set_level(logging.DEBUG)
    page = api.http.get("/verify", params={"token": token})
    assert page.status_code == 200 and 'action="/verify"' in page.text and token in page.text
    assert not _verified(api, account)  # a mail scanner opening the link verifies nothing

    done = api.http.post("/verify", data={"token": token})
    assert done.status_code == 200 and "confirmed" in done.text
    assert _verified(api, account)
    again = api.http.post("/verify", data={"token": token})
    assert again.status_code == 400 and "already been used" in again.text
    logged = [str(record.__dict__) for record in caplog.records if record.name.startswith("cadenza")]
    assert logged and not any(token in line for line in logged)


def test_a_bad_token_gets_a_clear_page(api: Api) -> None:
    r = api.http.post("/verify", data={"token": "nope"})
    assert r.status_code == 400 and "not valid" in r.text
    new = {"new_password": "a-new-password", "confirm": "a-new-password"}
    r = api.http.post("/reset-password", data={"token": "nope", **new})
    assert r.status_code == 400 and "not valid" in r.text


def test_the_reset_form_sets_a_new_password(api: Api, settings: Settings, base_env: dict[str, str]) -> None:
    account = api.register()
    assert api.http.post("/api/v1/auth/password/forgot", json={"email": account.email}).status_code == 202
    token = _token(settings, base_env, account, RESET_PASSWORD)
    form = api.http.get("/reset-password", params={"token": token})
    assert form.status_code == 200 and 'name="new_password"' in form.text

    short = api.http.post("/reset-password", data={"token": token, "new_password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'name="new_password"' in short.text
    differ = api.http.post(
        "/reset-password", data={"token": token, "new_password": "a-new-password", "confirm": "other-one"}
    )
    assert differ.status_code == 422 and "differ" in differ.text

    new = {"new_password": "a-new-password", "confirm": "a-new-password"}
    done = api.http.post("/reset-password", data={"token": token, **new})
    assert done.status_code == 200 and "new password is set" in done.text
    assert api.login(account.username, "a-new-password")["access_token"]
    assert api.http.get("/api/v1/users/me", headers=account.headers).status_code == 401  # old sessions ended
