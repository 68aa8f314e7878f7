"""The recording policy: one table of who may do what.

=================  ====  ======  =======  ======  =====  =======
caller             view  update  publish  delete  share  replace
=================  ====  ======  =======  ======  =====  =======
owner              yes   yes     yes      yes     yes    yes
admin              yes   yes     no       yes     no     no
shared with them   yes   no      no       no      no     no
teaches it (1)     yes   no      no       no      no     no
signed in (public) yes   no      no       no      no     no
anyone else        no    no      no       no      no     no
anonymous          no    no      no       no      no     no
=================  ====  ======  =======  ======  =====  =======

A public recording is visible to any *signed-in* user; anonymous callers see a recording only
through a share link (``GET /api/v1/shared/{token}``, ``api.links``), never by its id: every
action of an anonymous caller is 401, whether the recording exists or not, so ids are not
confirmed to them either. ``share`` also covers the owner's share links.

(1) the teacher of the course the recording was handed in to as an assignment submission
(``teaches_submission``, see ``api.authz.submissions``): they watch it and comment on it.

A teacher sees a student's recording because the student shared it with them; a relationship
grants nothing by itself, and removing one revokes the shares between the two (see
``api.relationships.services``). Someone signed in who may not view a recording is told it does
not exist (404): ids are never confirmed to strangers. Someone who may view it but not do the
action gets 403 ``not_owner``.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Protocol

from api.authz.principal import Principal
from core.errors import Forbidden, NotFound, Unauthorized
from storage.models.users import Role


class RecordingAction(enum.StrEnum):
    VIEW = "view"  # detail, and media URLs (they are issued with the detail)
    UPDATE = "update"  # title, description, piece, composer
    PUBLISH = "publish"  # is_public
    DELETE = "delete"
    SHARE = "share"  # add, list and remove shares
    REPLACE = "replace"  # a new file for the recording (it is the owner's performance)


class ListScope(enum.StrEnum):
    MINE = "mine"  # the caller's own recordings
    SHARED = "shared"  # recordings others shared with the caller
    PUBLIC = "public"  # everyone's public recordings (signed-in callers)
    ALL = "all"  # every recording (admins only)


@dataclass(frozen=True, slots=True)
class RecordingFacts:
    """What the rules need to know about one recording, relative to the caller."""

    owner_id: uuid.UUID
    is_public: bool
    shared_with_caller: bool = False
    #: The caller teaches the course this recording was submitted to (an assignment).
    teaches_submission: bool = False

    @classmethod
    def of(cls, row: FactsRow) -> RecordingFacts:
        """The facts of a one-statement read's row (a recording's view, a comment page's access)."""
        return cls(row.owner_id, row.is_public, row.shared_with_caller, row.teaches_submission)


class FactsRow(Protocol):
    """A read's row that carries the policy's facts, computed for the caller in the same statement."""

    owner_id: uuid.UUID
    is_public: bool
    shared_with_caller: bool
    teaches_submission: bool


OWNER_PERMISSIONS = frozenset(RecordingAction)
ADMIN_PERMISSIONS = frozenset({RecordingAction.VIEW, RecordingAction.UPDATE, RecordingAction.DELETE})
VIEWER_PERMISSIONS = frozenset({RecordingAction.VIEW})
NO_PERMISSIONS: frozenset[RecordingAction] = frozenset()


def recording_permissions(caller: Principal | None, facts: RecordingFacts) -> frozenset[RecordingAction]:
    """Everything ``caller`` (``None``: anonymous, who may do nothing) may do to the recording."""
    if caller is None:
        return NO_PERMISSIONS
    if caller.id == facts.owner_id:
        return OWNER_PERMISSIONS
    if caller.role == Role.ADMIN:
        return ADMIN_PERMISSIONS
    if facts.is_public or facts.shared_with_caller or facts.teaches_submission:
        return VIEWER_PERMISSIONS
    return NO_PERMISSIONS


def authorize_recording(
    caller: Principal | None, facts: RecordingFacts, action: RecordingAction
) -> frozenset[RecordingAction]:
    """Return the caller's permissions if they include ``action``; raise 401, 404 or 403 otherwise."""
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    allowed = recording_permissions(caller, facts)
    if action in allowed:
        return allowed
    if RecordingAction.VIEW not in allowed:
        raise NotFound("no such recording", error_code="recording_not_found")
    raise Forbidden(f"only the recording's owner may {action.value} it", error_code="not_owner")


def authorize_unshare(caller: Principal, facts: RecordingFacts, user_id: uuid.UUID) -> None:
    """The owner removes any share; a recipient may remove their own (leave the share)."""
    if caller.id == user_id and facts.shared_with_caller:
        return
    authorize_recording(caller, facts, RecordingAction.SHARE)


def authorize_listing(caller: Principal | None, scope: ListScope) -> None:
    """Every list needs a caller (public ones too), and ``all`` an admin."""
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    if scope == ListScope.ALL and caller.role != Role.ADMIN:
        raise Forbidden("only admins may list every recording", error_code="admin_only")
