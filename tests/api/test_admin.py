"""Administration: the create-admin command, admin-only endpoints, search, (de)activation, roles."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid

import httpx
import pytest

from api.cli import main as cli_main
from tests.e2e.api import Account, Api
from tests.e2e.stack import ROOT

pytestmark = pytest.mark.api

ADMIN_PASSWORD = "conduct-the-orchestra"
USERS = "/api/v1/admin/users"


def run_cli(base_env: dict[str, str], *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env={**os.environ, **base_env, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _login(api: Api, login: str, password: str) -> httpx.Response:
    return api.http.post("/api/v1/auth/login", json={"login": login, "password": password})


def _as_account(api: Api, user_id: str, username: str, email: str, password: str) -> Account:
    tokens = api.login(username, password)
    return Account(user_id, username, email, password, tokens["access_token"], tokens["refresh_token"])


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert (r.status_code, r.json()["error_code"]) == (status, code), r.text


@pytest.fixture(scope="module")
def admin(api: Api, base_env: dict[str, str]) -> Account:
    """An administrator made with ``python -m api.cli create-admin``, signed in through the API."""
    name = f"admin{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.test"
    done = run_cli(
        base_env, "create-admin", "--email", email, "--username", name, "--password-stdin", stdin=ADMIN_PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    assert f"created admin {name} <{email}>" in done.stdout
    me = api.http.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {api.login(email, ADMIN_PASSWORD)['access_token']}"}
    )
    return _as_account(api, me.json()["id"], name, email, ADMIN_PASSWORD)


def _admin_get(api: Api, admin: Account, path: str = "", **params: object) -> dict:
    r = api.http.get(USERS + path, headers=admin.headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def cli(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """``python -m api.cli`` in this process (the refusals need no fresh interpreter each):
    returns (exit code, stdout, stderr)."""
    for name, value in base_env.items():
        monkeypatch.setenv(name, value)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        try:
            code = cli_main(list(args), stdin=io.StringIO(stdin))
        except SystemExit as exc:  # argparse's own usage errors
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


# --- the management command -------------------------------------------------------------------


def test_create_admin_makes_a_verified_admin(api: Api, admin: Account) -> None:
    me = api.http.get("/api/v1/users/me", headers=admin.headers).json()
    assert (me["role"], me["email_verified"], me["username"]) == ("admin", True, admin.username)


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(
    api: Api,
    base_env: dict[str, str],
    cli,  # noqa: ANN001
) -> None:
    student = api.register()
    refused = run_cli(base_env, "create-admin", "--email", student.email, "--username", student.username)
    assert refused.returncode == 1 and "--force" in refused.stderr
    done = run_cli(
        base_env, "create-admin", "--email", student.email.upper(), "--username", student.username, "--force"
    )
    assert done.returncode == 0, done.stderr
    assert "promoted from student to admin" in done.stdout
    code, out, _ = cli("create-admin", "--email", student.email, "--username", student.username.upper(), "--force")
    assert code == 0 and "is already an admin" in out
    promoted = _as_account(api, student.id, student.username, student.email, student.password)
    assert api.http.get(USERS, headers=promoted.headers).status_code == 200


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (
            ["--email", "not-an-email", "--username", "okname"],
            "long-enough-pw\n",
            2,
            "invalid e-mail address or username",
        ),
        (["--email", "x@example.test", "--username", "bad name"], "long-enough-pw\n", 2, "invalid"),
        (["--email", "short@example.test", "--username", "shortpw"], "short\n", 2, "invalid password"),
        (["--email", "x@example.test"], "", 2, "--username"),
    ],
    ids=["bad-email", "bad-username", "weak-password", "missing-username"],
)
def test_create_admin_refuses_bad_input(cli, args: list[str], stdin: str, code: int, message: str) -> None:  # noqa: ANN001
    returned, _, err = cli("create-admin", *args, "--password-stdin", stdin=stdin)
    assert returned == code and message in err, (returned, err)


def test_create_admin_refuses_an_email_and_username_of_two_accounts(api: Api, cli) -> None:  # noqa: ANN001
    one, other = api.register(), api.register()
    code, _, err = cli(
        "create-admin", "--email", one.email, "--username", other.username, "--password-stdin", stdin="whatever-pw\n"
    )
    assert code == 1 and f"belongs to the user {one.username!r}" in err, err
    assert api.http.get(USERS, headers=one.headers).status_code == 403


def test_create_admin_without_a_terminal_needs_password_stdin(cli) -> None:  # noqa: ANN001
    name = f"nopw{uuid.uuid4().hex[:8]}"
    code, _, err = cli("create-admin", "--email", f"{name}@example.test", "--username", name)
    assert code == 2 and "--password-stdin" in err, err


def test_create_admin_reports_an_unreachable_database(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://cadenza@127.0.0.1:1/nowhere")
    code, _, err = cli(
        "create-admin",
        "--email",
        "a@example.test",
        "--username",
        "nobody",
        "--password-stdin",
        stdin="long-enough-pw\n",
    )
    assert code == 1 and "cannot use the database" in err and "Traceback" not in err, err


def test_cli_help(base_env: dict[str, str]) -> None:
    done = run_cli(base_env, "--help")
    assert done.returncode == 0 and "create-admin" in done.stdout


# --- who may administer -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_admin_endpoints_are_for_admins_only(api: Api, role: str) -> None:
    caller = api.register(role=role)
    target = f"{USERS}/{caller.id}"
    calls = [
        ("GET", USERS, None),
        ("GET", target, None),
        ("PATCH", target, {"role": "admin"}),
        ("POST", f"{target}/deactivate", None),
        ("POST", f"{target}/reactivate", None),
        ("POST", f"{target}/verify", None),
    ]
    for method, path, body in calls:
        _error(api.http.request(method, path, headers=caller.headers, json=body), 403, "admin_required")
        _error(api.http.request(method, path, json=body), 401, "not_authenticated")
    me = api.http.get("/api/v1/users/me", headers=caller.headers).json()
    assert (me["role"], me["email_verified"]) == (role, False)


# --- search -----------------------------------------------------------------------------------


def test_search_by_email_username_or_display_name_with_filters_and_pages(api: Api, admin: Account) -> None:
    tag = uuid.uuid4().hex[:8]
    people = [api.register(), api.register(role="teacher"), api.register()]
    api.http.patch("/api/v1/users/me", headers=people[0].headers, json={"display_name": f"Ada {tag.upper()}"})
    api.http.patch("/api/v1/users/me", headers=people[1].headers, json={"display_name": f"Bo {tag}"})

    page = _admin_get(api, admin, q=tag)
    assert page["total"] == 2 and {u["id"] for u in page["items"]} == {people[0].id, people[1].id}
    assert _admin_get(api, admin, q=people[2].email.upper())["items"][0]["id"] == people[2].id
    assert [u["id"] for u in _admin_get(api, admin, q=people[2].username[3:])["items"]] == [people[2].id]
    assert [u["id"] for u in _admin_get(api, admin, q=tag, role="teacher")["items"]] == [people[1].id]
    assert _admin_get(api, admin, q="%")["total"] == 0, "wildcards are matched literally"

    first, second = _admin_get(api, admin, q=tag, limit=1), _admin_get(api, admin, q=tag, limit=1, offset=1)
    assert (first["total"], first["limit"], second["offset"]) == (2, 1, 1)
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {people[0].id, people[1].id}

    item = first["items"][0]
    assert {"email", "is_active", "email_verified", "last_login_at", "created_at", "deactivated_at"} <= set(item)
    assert item["last_login_at"] is not None and item["is_active"] is True


@pytest.mark.parametrize(
    "params", [{"role": "wizard"}, {"active": "perhaps"}, {"limit": 0}, {"limit": 101}, {"offset": -1}, {"q": "a\x00b"}]
)
def test_bad_search_parameters(api: Api, admin: Account, params: dict) -> None:
    r = api.http.get(USERS, headers=admin.headers, params=params)
    assert r.status_code in (400, 422) and r.json()["error_code"], r.text


# --- actions ----------------------------------------------------------------------------------


def test_deactivation_ends_every_session_at_once_and_reactivation_restores_login(api: Api, admin: Account) -> None:
    user = api.register()
    assert api.http.get("/api/v1/users/me", headers=user.headers).status_code == 200

    r = api.http.post(f"{USERS}/{user.id}/deactivate", headers=admin.headers)
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is False and r.json()["deactivated_at"]

    # The access token is still signed and unexpired, but the next request is refused.
    _error(api.http.get("/api/v1/users/me", headers=user.headers), 401, "account_inactive")
    assert api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}).status_code == 401
    _error(_login(api, user.username, user.password), 401, "account_inactive")
    _error(api.http.get(f"/api/v1/users/{user.id}", headers=admin.headers), 404, "user_not_found")
    assert [u["is_active"] for u in _admin_get(api, admin, q=user.username, active="false")["items"]] == [False]
    assert _admin_get(api, admin, q=user.username, active="true")["total"] == 0

    r = api.http.post(f"{USERS}/{user.id}/reactivate", headers=admin.headers)
    assert r.status_code == 200 and r.json()["is_active"] is True and r.json()["deactivated_at"] is None
    tokens = _login(api, user.username, user.password)
    assert tokens.status_code == 200, tokens.text
    assert (
        api.http.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}
        ).status_code
        == 200
    )
    assert api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token}).status_code == 401


def test_an_admin_cannot_deactivate_or_demote_themselves(api: Api, admin: Account) -> None:
    _error(api.http.post(f"{USERS}/{admin.id}/deactivate", headers=admin.headers), 409, "cannot_deactivate_self")
    _error(
        api.http.patch(f"{USERS}/{admin.id}", headers=admin.headers, json={"role": "student"}),
        409,
        "cannot_change_own_role",
    )
    assert api.http.get("/api/v1/users/me", headers=admin.headers).json()["role"] == "admin"


def test_verify_marks_the_email_verified(api: Api, admin: Account) -> None:
    user = api.register()
    r = api.http.post(f"{USERS}/{user.id}/verify", headers=admin.headers)
    assert r.status_code == 200 and r.json()["email_verified"] is True
    assert api.http.get("/api/v1/users/me", headers=user.headers).json()["email_verified"] is True


def test_roles_are_changed_by_an_admin_and_take_effect_on_the_next_request(api: Api, admin: Account) -> None:
    user = api.register()
    r = api.http.patch(f"{USERS}/{user.id}", headers=admin.headers, json={"role": "admin"})
    assert r.status_code == 200 and r.json()["role"] == "admin"
    assert api.http.get(USERS, headers=user.headers).status_code == 200  # the same access token
    r = api.http.patch(f"{USERS}/{user.id}", headers=admin.headers, json={"role": "teacher"})
    assert r.status_code == 200 and r.json()["role"] == "teacher"
    _error(api.http.get(USERS, headers=user.headers), 403, "admin_required")
    assert api.http.get("/api/v1/users/me", headers=user.headers).json()["role"] == "teacher"


@pytest.mark.parametrize("body", [{"role": "owner"}, {"is_active": False}, {"email_verified": True}, {"role": None}])
def test_bad_role_changes_are_refused(api: Api, admin: Account, body: dict) -> None:
    _error(api.http.patch(f"{USERS}/{admin.id}", headers=admin.headers, json=body), 422, "validation_error")


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("GET", "", None), ("PATCH", "", {"role": "teacher"}), ("POST", "/deactivate", None), ("POST", "/verify", None)],
)
def test_unknown_users_are_404(api: Api, admin: Account, method: str, suffix: str, body: dict | None) -> None:
    _error(
        api.http.request(method, f"{USERS}/{uuid.uuid4()}{suffix}", headers=admin.headers, json=body),
        404,
        "user_not_found",
    )


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 101}, {"q": "tab\there"}, {"role": "owner"}, {"active": "maybe"}, {"limit": 0}, {"offset": -1}],
    ids=["q-too-long", "q-control-char", "role", "active", "limit", "offset"],
)
def test_bad_search_parameters_are_422(api: Api, admin: Account, params: dict) -> None:
    _error(api.http.get(USERS, headers=admin.headers, params=params), 422, "validation_error")
