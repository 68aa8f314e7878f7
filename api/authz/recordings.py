"""The recording policy: one table of who may do what.

=================  ====  ======  =======  ======  =====  =======
caller             view  update  publish  delete  share  replace
=================  ====  ======  =======  ======  =====  =======
owner              yes   yes     yes      yes     yes    yes
admin              yes   yes     no       yes     no     no
shared with them   yes   no      no       no      no     no
anyone (public)    yes   no      no       no      no     no
anyone else        no    no      no       no      no     no
=================  ====  ======  =======  ======  =====  =======

A teacher sees a student's recording because the student shared it with them; a relationship
grants nothing by itself, and removing one revokes the shares between the two (see
``api.relationships.services``). Someone who may not view a recording is told it does not
exist (404): ids are never confirmed to strangers. Someone who may view it but not do the action
gets 403 ``not_owner``; an anonymous caller gets 401.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

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
    PUBLIC = "public"  # everyone's public recordings (anonymous callers too)
    ALL = "all"  # every recording (admins only)


@dataclass(frozen=True, slots=True)
class RecordingFacts:
    """What the rules need to know about one recording, relative to the caller."""

    owner_id: uuid.UUID
    is_public: bool
    shared_with_caller: bool = False


OWNER_PERMISSIONS = frozenset(RecordingAction)
ADMIN_PERMISSIONS = frozenset({RecordingAction.VIEW, RecordingAction.UPDATE, RecordingAction.DELETE})
VIEWER_PERMISSIONS = frozenset({RecordingAction.VIEW})
NO_PERMISSIONS: frozenset[RecordingAction] = frozenset()


def recording_permissions(caller: Principal | None, facts: RecordingFacts) -> frozenset[RecordingAction]:
    """Everything ``caller`` (``None``: anonymous) may do to the recording."""
    if caller is not None and caller.id == facts.owner_id:
        return OWNER_PERMISSIONS
    if caller is not None and caller.role == Role.ADMIN:
        return ADMIN_PERMISSIONS
    if facts.is_public or (caller is not None and facts.shared_with_caller):
        return VIEWER_PERMISSIONS
    return NO_PERMISSIONS


def authorize_recording(
    caller: Principal | None, facts: RecordingFacts, action: RecordingAction
) -> frozenset[RecordingAction]:
    """Return the caller's permissions if they include ``action``; raise 404, 401 or 403 otherwise."""
    allowed = recording_permissions(caller, facts)
    if action in allowed:
        return allowed
    if RecordingAction.VIEW not in allowed:
        raise NotFound("no such recording", error_code="recording_not_found")
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    raise Forbidden(f"only the recording's owner may {action.value} it", error_code="not_owner")


def authorize_unshare(caller: Principal, facts: RecordingFacts, user_id: uuid.UUID) -> None:
    """The owner removes any share; a recipient may remove their own (leave the share)."""
    if caller.id == user_id and facts.shared_with_caller:
        return
    authorize_recording(caller, facts, RecordingAction.SHARE)


def authorize_listing(caller: Principal | None, scope: ListScope) -> None:
    """Public lists are open to everyone; the others need a caller, and ``all`` an admin."""
    if scope == ListScope.PUBLIC:
        return
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    if scope == ListScope.ALL and caller.role != Role.ADMIN:
        raise Forbidden("only admins may list every recording", error_code="admin_only")
