"""``create-admin`` refuses to promote an existing account without ``--force`` and ends its
sessions when it does; a deactivation ends access tokens for good, a reactivation does not
revive them (issue 11 item 6). In-process web app and command."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest

from api.cli import main as cli_main
from core.settings import Settings
from tests.integration.live_app import PASSWORD, Session, error_code, live_app, log_in, sign_up


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[httpx.Client]:
    with live_app(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture
def cli(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """``python -m api.cli`` in this process: returns (exit code, stdout, stderr)."""
    for name, value in base_env.items():
        monkeypatch.setenv(name, value)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        code = cli_main(list(args), stdin=io.StringIO(stdin))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def me(http: httpx.Client, session: Session) -> httpx.Response:
    return http.get("/api/v1/users/me", headers=session.headers)


def test_create_admin_refuses_an_existing_account_without_force(http: httpx.Client, cli) -> None:  # noqa: ANN001
    # Given an account someone registered (and never verified)
    squatter = sign_up(http)
    # When the operator runs create-admin with its e-mail and username
    args = ("create-admin", "--email", squatter.email, "--username", squatter.username, "--password-stdin")
    code, _, err = cli(*args, stdin="operator-password\n")
    # Then it is refused, and the account stays as it was, its password too
    assert code == 1 and "--force" in err
    body = me(http, squatter).json()
    assert (body["role"], body["email_verified"]) == ("student", False)
    assert log_in(http, squatter.username).access_token


def test_create_admin_with_force_ends_every_session_of_the_account(http: httpx.Client, cli) -> None:  # noqa: ANN001
    squatter = sign_up(http)
    args = ("create-admin", "--email", squatter.email, "--username", squatter.username, "--force", "--password-stdin")
    code, out, _ = cli(*args, stdin="operator-password\n")
    assert code == 0 and "promoted from student to admin" in out
    # The sessions opened before the promotion are over: access and refresh tokens alike
    assert error_code(me(http, squatter), 401) == "token_revoked"
    r = http.post("/api/v1/auth/refresh", json={"refresh_token": squatter.refresh_token})
    assert error_code(r, 401) == "token_revoked"
    # And the operator's password is the one that works now
    admin = log_in(http, squatter.username, password="operator-password")
    assert me(http, admin).json()["role"] == "admin"


def test_create_admin_with_force_and_no_password_still_ends_the_sessions(
    http: httpx.Client,
    cli,  # noqa: ANN001
) -> None:
    user = sign_up(http)
    code, out, _ = cli("create-admin", "--email", user.email, "--username", user.username, "--force")
    assert code == 0, out
    assert error_code(me(http, user), 401) == "token_revoked"
    assert log_in(http, user.username, password=PASSWORD).access_token


def test_a_reactivation_does_not_revive_the_access_tokens_of_before(http: httpx.Client, cli) -> None:  # noqa: ANN001
    # Given an admin and a signed-in user
    name = sign_up(http).username  # a throwaway account only to get a fresh unique name
    args = ("create-admin", "--email", f"adm-{name}@example.test", "--username", f"adm-{name}", "--password-stdin")
    code, _, err = cli(*args, stdin="admin-password\n")
    assert code == 0, err
    admin = log_in(http, f"adm-{name}", password="admin-password")
    user = sign_up(http)
    users = "/api/v1/admin/users"

    # When the admin deactivates and then reactivates the user
    assert http.post(f"{users}/{user.user_id}/deactivate", headers=admin.headers).status_code == 200
    assert error_code(me(http, user), 401) == "account_inactive"
    assert http.post(f"{users}/{user.user_id}/reactivate", headers=admin.headers).status_code == 200

    # Then the token from before stays refused; a new login works
    assert error_code(me(http, user), 401) == "token_revoked"
    assert me(http, log_in(http, user.username)).status_code == 200
