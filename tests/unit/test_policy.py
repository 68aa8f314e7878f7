"""The authorization rules as tables: every caller against every action, with the error each refusal gives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from api.authz import (
    ListScope,
    RecordingAction,
    RecordingFacts,
    RelationshipFacts,
    authorize_listing,
    authorize_recording,
    authorize_response,
    authorize_unshare,
    relationship_pair,
    require_party,
    require_verified,
)
from core.errors import CadenzaError


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    role: str
    email_verified: bool = True


OWNER = Caller(uuid.uuid4(), "student")
ADMIN = Caller(uuid.uuid4(), "admin")
TEACHER = Caller(uuid.uuid4(), "teacher")
STUDENT = Caller(uuid.uuid4(), "student")
TEACHER_2 = Caller(uuid.uuid4(), "teacher")


def outcome(check) -> str:  # noqa: ANN001
    """``"ok"`` or ``"<status> <error_code>"``."""
    try:
        check()
    except CadenzaError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "ok"


OK, GONE, DENIED, LOGIN = "ok", "404 recording_not_found", "403 not_owner", "401 not_authenticated"
V, U, P, D, S, R = (RecordingAction.VIEW, RecordingAction.UPDATE, RecordingAction.PUBLISH, RecordingAction.DELETE,
                    RecordingAction.SHARE, RecordingAction.REPLACE)  # fmt: skip
PRIVATE = RecordingFacts(owner_id=OWNER.id, is_public=False)
SHARED = RecordingFacts(owner_id=OWNER.id, is_public=False, shared_with_caller=True)
PUBLIC = RecordingFacts(owner_id=OWNER.id, is_public=True)

RECORDING_RULES = [
    # caller,  recording, {action: outcome}
    ("owner", OWNER, PRIVATE, {V: OK, U: OK, P: OK, D: OK, S: OK, R: OK}),
    ("owner-public", OWNER, PUBLIC, {V: OK, U: OK, P: OK, D: OK, S: OK, R: OK}),
    ("admin", ADMIN, PRIVATE, {V: OK, U: OK, P: DENIED, D: OK, S: DENIED, R: DENIED}),
    ("shared-with", TEACHER, SHARED, {V: OK, U: DENIED, P: DENIED, D: DENIED, S: DENIED, R: DENIED}),
    ("stranger", STUDENT, PRIVATE, {V: GONE, U: GONE, P: GONE, D: GONE, S: GONE, R: GONE}),
    ("stranger-public", STUDENT, PUBLIC, {V: OK, U: DENIED, P: DENIED, D: DENIED, S: DENIED, R: DENIED}),
    # Anonymous callers see recordings only through share links: 401 for everything, public or not,
    # so an anonymous caller cannot tell an existing id from a made-up one.
    ("anonymous", None, PRIVATE, {V: LOGIN, U: LOGIN, P: LOGIN, D: LOGIN, S: LOGIN, R: LOGIN}),
    ("anonymous-public", None, PUBLIC, {V: LOGIN, U: LOGIN, P: LOGIN, D: LOGIN, S: LOGIN, R: LOGIN}),
    # A share fact never reaches anonymous callers; even if it did, it grants nothing.
    ("anonymous-shared", None, SHARED, {V: LOGIN, U: LOGIN, P: LOGIN, D: LOGIN, S: LOGIN, R: LOGIN}),
]


@pytest.mark.parametrize(
    ("caller", "facts", "expected"), [r[1:] for r in RECORDING_RULES], ids=[r[0] for r in RECORDING_RULES]
)
def test_recording_rules(caller: Caller | None, facts: RecordingFacts, expected: dict[RecordingAction, str]) -> None:
    assert set(expected) == set(RecordingAction)
    seen = {action: outcome(lambda a=action: authorize_recording(caller, facts, a)) for action in RecordingAction}
    assert seen == expected


def test_granted_permissions_are_returned_for_the_presenter() -> None:
    assert authorize_recording(ADMIN, PRIVATE, V) == {V, U, D}
    assert authorize_recording(TEACHER, SHARED, V) == {V}
    assert authorize_recording(OWNER, PRIVATE, V) == set(RecordingAction)


@pytest.mark.parametrize(
    ("caller", "facts", "target", "expected"),
    [
        (OWNER, PRIVATE, TEACHER.id, OK),
        (TEACHER, SHARED, TEACHER.id, OK),  # a recipient leaves the share
        (TEACHER, SHARED, STUDENT.id, DENIED),  # but removes nobody else
        (STUDENT, PUBLIC, STUDENT.id, DENIED),  # public, not shared: nothing to leave
        (STUDENT, PRIVATE, STUDENT.id, GONE),
        (ADMIN, PRIVATE, TEACHER.id, DENIED),
    ],
    ids=["owner", "recipient-self", "recipient-other", "public-viewer", "stranger", "admin"],
)
def test_unshare_rules(caller: Caller, facts: RecordingFacts, target: uuid.UUID, expected: str) -> None:
    assert outcome(lambda: authorize_unshare(caller, facts, target)) == expected


LISTING = [
    (OWNER, {"mine": OK, "shared": OK, "public": OK, "all": "403 admin_only"}),
    (ADMIN, {"mine": OK, "shared": OK, "public": OK, "all": OK}),
    (None, {"mine": LOGIN, "shared": LOGIN, "public": LOGIN, "all": LOGIN}),
]


@pytest.mark.parametrize(("caller", "expected"), LISTING, ids=["user", "admin", "anonymous"])
def test_listing_rules(caller: Caller | None, expected: dict[str, str]) -> None:
    assert {s.value: outcome(lambda s=s: authorize_listing(caller, s)) for s in ListScope} == expected


# --- relationships ----------------------------------------------------------------------------

INVALID = "422 invalid_relationship"


@pytest.mark.parametrize(
    ("caller", "other", "expected"),
    [
        (STUDENT, TEACHER, (TEACHER.id, STUDENT.id)),
        (TEACHER, STUDENT, (TEACHER.id, STUDENT.id)),
        (STUDENT, OWNER, INVALID),
        (TEACHER, TEACHER_2, INVALID),
        (TEACHER, ADMIN, INVALID),
        (ADMIN, STUDENT, INVALID),
        (TEACHER, TEACHER, INVALID),
    ],
    ids=["student-asks-teacher", "teacher-asks-student", "two-students", "two-teachers", "admin", "admin-asks", "self"],
)
def test_a_relationship_joins_one_teacher_and_one_student(
    caller: Caller, other: Caller, expected: tuple[uuid.UUID, uuid.UUID] | str
) -> None:
    if isinstance(expected, str):
        assert outcome(lambda: relationship_pair(caller, other)) == expected
    else:
        assert relationship_pair(caller, other) == expected


def _link(status: str, requested_by: Caller = STUDENT) -> RelationshipFacts:
    return RelationshipFacts(teacher_id=TEACHER.id, student_id=STUDENT.id, requested_by=requested_by.id, status=status)


@pytest.mark.parametrize(
    ("caller", "facts", "expected"),
    [
        (TEACHER, _link("pending"), OK),
        (STUDENT, _link("pending", requested_by=TEACHER), OK),
        (STUDENT, _link("pending"), "403 not_recipient"),
        (TEACHER_2, _link("pending"), "404 relationship_not_found"),
        (ADMIN, _link("pending"), "404 relationship_not_found"),
        *((TEACHER, _link(s), "409 relationship_not_pending") for s in ("active", "declined", "removed")),
        (STUDENT, _link("active"), "409 relationship_not_pending"),
    ],
    ids=["teacher", "student", "requester", "stranger", "admin", "active", "declined", "removed", "active-requester"],
)
def test_only_the_asked_party_answers_a_pending_request(
    caller: Caller, facts: RelationshipFacts, expected: str
) -> None:
    assert outcome(lambda: authorize_response(caller, facts)) == expected


def test_parties_see_a_relationship_and_no_one_else() -> None:
    assert require_party(TEACHER, _link("active")) == "teacher"
    assert require_party(STUDENT, _link("removed")) == "student"
    assert outcome(lambda: require_party(TEACHER_2, _link("active"))) == "404 relationship_not_found"


def test_unverified_callers_are_refused() -> None:
    assert outcome(lambda: require_verified(Caller(uuid.uuid4(), "student", email_verified=False))) == (
        "403 email_not_verified"
    )
    assert outcome(lambda: require_verified(STUDENT)) == OK
