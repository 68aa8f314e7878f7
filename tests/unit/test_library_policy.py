"""The catalogue policy (api/authz/library.py) as a table: every caller against every action."""

from __future__ import annotations

import uuid

import pytest

from api.authz.library import CatalogueAction, authorize_catalogue, catalogue_permissions
from tests.unit.test_policy import Caller, outcome

CREATOR = Caller(uuid.uuid4(), "teacher")
OTHER_TEACHER = Caller(uuid.uuid4(), "teacher")
STUDENT = Caller(uuid.uuid4(), "student")
UNVERIFIED = Caller(uuid.uuid4(), "teacher", email_verified=False)
UNVERIFIED_CREATOR = Caller(CREATOR.id, "teacher", email_verified=False)
DEMOTED_CREATOR = Caller(CREATOR.id, "student")
ADMIN = Caller(uuid.uuid4(), "admin")

V, C, U, D, A = (
    CatalogueAction.VIEW,
    CatalogueAction.CREATE,
    CatalogueAction.UPDATE,
    CatalogueAction.DELETE,
    CatalogueAction.UPLOAD_AUDIO,
)
OK, LOGIN, VERIFY = "ok", "401 not_authenticated", "403 email_not_verified"
TEACHERS, CREATORS = "403 teacher_or_admin_only", "403 not_creator"

TABLE = [
    # caller, action, expected (the entry was created by CREATOR)
    (None, V, OK), (None, C, LOGIN), (None, U, LOGIN), (None, D, LOGIN), (None, A, LOGIN),
    (CREATOR, V, OK), (CREATOR, C, OK), (CREATOR, U, OK), (CREATOR, D, OK), (CREATOR, A, OK),
    (OTHER_TEACHER, V, OK), (OTHER_TEACHER, C, OK), (OTHER_TEACHER, U, CREATORS), (OTHER_TEACHER, D, CREATORS),
    (OTHER_TEACHER, A, CREATORS),
    (STUDENT, V, OK), (STUDENT, C, TEACHERS), (STUDENT, U, CREATORS), (STUDENT, D, CREATORS), (STUDENT, A, CREATORS),
    (UNVERIFIED, V, OK), (UNVERIFIED, C, VERIFY), (UNVERIFIED, U, VERIFY), (UNVERIFIED, D, VERIFY),
    (UNVERIFIED_CREATOR, U, VERIFY), (UNVERIFIED_CREATOR, A, VERIFY),
    # A creator who is no longer a teacher still owns what they made, but creates nothing new
    (DEMOTED_CREATOR, U, OK), (DEMOTED_CREATOR, C, TEACHERS),
    (ADMIN, V, OK), (ADMIN, C, OK), (ADMIN, U, OK), (ADMIN, D, OK), (ADMIN, A, OK),
]  # fmt: skip


@pytest.mark.parametrize(("caller", "action", "expected"), TABLE)
def test_catalogue_policy(caller: Caller | None, action: CatalogueAction, expected: str) -> None:
    assert outcome(lambda: authorize_catalogue(caller, action, CREATOR.id)) == expected


def test_an_entry_whose_creator_is_gone_is_the_admins() -> None:
    assert outcome(lambda: authorize_catalogue(CREATOR, U, None)) == CREATORS
    assert outcome(lambda: authorize_catalogue(ADMIN, D, None)) == OK


def test_permissions_list_what_the_policy_allows_and_audio_only_for_songs() -> None:
    assert catalogue_permissions(CREATOR, CREATOR.id) == {V, U, D}
    assert catalogue_permissions(CREATOR, CREATOR.id, song=True) == {V, U, D, A}
    assert catalogue_permissions(OTHER_TEACHER, CREATOR.id, song=True) == {V}
    assert catalogue_permissions(None, CREATOR.id) == {V}
