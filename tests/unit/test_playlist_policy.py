"""The playlist rules as a table: every kind of caller against every action, and member removal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from api.authz.playlists import (
    PlaylistAction,
    PlaylistFacts,
    authorize_member_removal,
    authorize_playlist,
    check_role_change,
)
from core.errors import CadenzaError


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    role: str
    email_verified: bool = True


USER, ADMIN = Caller(uuid.uuid4(), "student"), Caller(uuid.uuid4(), "admin")
UNVERIFIED = Caller(uuid.uuid4(), "student", email_verified=False)


def outcome(check) -> str:  # noqa: ANN001
    try:
        check()
    except CadenzaError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "ok"


OK, GONE, OWNERS, EDITORS = "ok", "404 playlist_not_found", "403 not_playlist_owner", "403 not_playlist_editor"
LOGIN, VERIFY = "401 not_authenticated", "403 email_not_verified"
A = PlaylistAction
ACTIONS = (A.VIEW, A.UPDATE, A.DELETE, A.MANAGE_MEMBERS, A.EDIT_ITEMS, A.REACT)

# caller, their role in the playlist, public? -> outcome of each action in ACTIONS order
TABLE = [
    (USER, "owner", False, [OK, OK, OK, OK, OK, OK]),
    (USER, "editor", False, [OK, OWNERS, OWNERS, OWNERS, OK, OK]),
    (USER, None, True, [OK, OWNERS, OWNERS, OWNERS, EDITORS, OK]),
    (USER, None, False, [GONE] * 6),
    (ADMIN, None, False, [OK, OK, OK, OWNERS, EDITORS, OWNERS]),
    (ADMIN, None, True, [OK, OK, OK, OWNERS, EDITORS, OK]),
    (None, None, True, [OK, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN]),
    (None, None, False, [GONE] * 6),
    (UNVERIFIED, "owner", False, [OK, VERIFY, VERIFY, VERIFY, VERIFY, VERIFY]),
    (UNVERIFIED, None, True, [OK, OWNERS, OWNERS, OWNERS, EDITORS, VERIFY]),
]


@pytest.mark.parametrize(("caller", "role", "public", "expected"), TABLE)
def test_every_caller_against_every_action(
    caller: Caller | None, role: str | None, public: bool, expected: list[str]
) -> None:
    facts = PlaylistFacts(is_public=public, caller_role=role)
    got = [outcome(lambda a=a: authorize_playlist(caller, facts, a)) for a in ACTIONS]
    assert got == expected


OTHER = uuid.uuid4()


@pytest.mark.parametrize(
    ("caller_role", "target", "target_role", "owners", "expected"),
    [
        ("owner", OTHER, "editor", 1, OK),  # an owner removes an editor
        ("owner", OTHER, "owner", 2, OK),  # or another owner, while one stays
        ("owner", USER.id, "owner", 2, OK),  # an owner leaves while another stays
        ("owner", USER.id, "owner", 1, "409 last_owner"),  # the last owner cannot leave
        ("editor", USER.id, "editor", 1, OK),  # an editor leaves
        ("editor", OTHER, "editor", 1, OWNERS),  # but removes nobody else
        (None, USER.id, "editor", 1, OWNERS),  # a non-member cannot "leave" a public playlist
    ],
)
def test_member_removal(
    caller_role: str | None, target: uuid.UUID, target_role: str, owners: int, expected: str
) -> None:
    facts = PlaylistFacts(is_public=True, caller_role=caller_role, owner_count=owners)
    assert outcome(lambda: authorize_member_removal(USER, facts, target, target_role)) == expected


@pytest.mark.parametrize(
    ("old", "new", "owners", "expected"),
    [
        (None, "editor", 1, OK),
        (None, "owner", 1, OK),
        ("owner", "editor", 2, OK),
        ("owner", "editor", 1, "409 last_owner"),
        ("editor", "owner", 1, OK),
        (None, "admin", 1, "422 invalid_role"),
        ("owner", "", 2, "422 invalid_role"),
    ],
)
def test_role_changes(old: str | None, new: str, owners: int, expected: str) -> None:
    assert outcome(lambda: check_role_change(old, new, owners)) == expected
