"""The playlist policy: one table of who may do what.

=================  ====  ======  ======  =======  ======  =========
caller             view  update  delete  members  items   like/follow
=================  ====  ======  ======  =======  ======  =========
owner              yes   yes     yes     yes      yes     yes
editor             yes   no      no      no       yes     yes
admin              yes   yes     yes     no       no      if public
anyone (public)    yes   no      no      no       no      yes
anyone else        no    no      no      no       no      no
anonymous          public only; never anything else
=================  ====  ======  ======  =======  ======  =========

A private playlist does not exist (404) for anyone who is not a member (nor an admin). Someone
who may view it but not do the action gets 403 (``not_playlist_owner`` / ``not_playlist_editor``);
an anonymous caller 401. Every write also needs a verified e-mail (``require_verified``). A member
may always leave (remove themselves); the last owner may not (409 ``last_owner``), whoever asks.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from api.authz.principal import Principal, require_verified
from core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from storage.models.playlists import PlaylistRole
from storage.models.users import Role


class PlaylistAction(enum.StrEnum):
    VIEW = "view"  # detail, items, members
    UPDATE = "update"  # title, description, is_public
    DELETE = "delete"
    MANAGE_MEMBERS = "manage_members"  # add, change the role of, remove others
    EDIT_ITEMS = "edit_items"  # add, move, remove items
    REACT = "react"  # like, follow


@dataclass(frozen=True, slots=True)
class PlaylistFacts:
    """What the rules need to know about one playlist, relative to the caller."""

    is_public: bool
    #: The caller's role in the playlist (``owner`` | ``editor``), None when not a member.
    caller_role: str | None
    owner_count: int = 1


_VIEW = frozenset({PlaylistAction.VIEW, PlaylistAction.REACT})
OWNER_PERMISSIONS = frozenset(PlaylistAction)
EDITOR_PERMISSIONS = _VIEW | {PlaylistAction.EDIT_ITEMS}
ADMIN_PERMISSIONS = frozenset({PlaylistAction.VIEW, PlaylistAction.UPDATE, PlaylistAction.DELETE})
NO_PERMISSIONS: frozenset[PlaylistAction] = frozenset()

_DENIED_CODE = {
    PlaylistAction.EDIT_ITEMS: ("only the playlist's owners and editors may change its items", "not_playlist_editor"),
}


def playlist_permissions(caller: Principal | None, facts: PlaylistFacts) -> frozenset[PlaylistAction]:
    """Everything ``caller`` (``None``: anonymous) may do to the playlist."""
    if caller is None:
        return frozenset({PlaylistAction.VIEW}) if facts.is_public else NO_PERMISSIONS
    if facts.caller_role == PlaylistRole.OWNER:
        return OWNER_PERMISSIONS
    if facts.caller_role == PlaylistRole.EDITOR:
        return EDITOR_PERMISSIONS
    if caller.role == Role.ADMIN:
        return ADMIN_PERMISSIONS | (_VIEW if facts.is_public else NO_PERMISSIONS)
    return _VIEW if facts.is_public else NO_PERMISSIONS


def authorize_playlist(
    caller: Principal | None, facts: PlaylistFacts, action: PlaylistAction
) -> frozenset[PlaylistAction]:
    """Return the caller's permissions if they include ``action``; raise 404, 401 or 403 otherwise.

    Every action but VIEW is a write and needs a verified e-mail as well.
    """
    allowed = playlist_permissions(caller, facts)
    if PlaylistAction.VIEW not in allowed:
        raise NotFound("no such playlist", error_code="playlist_not_found")
    if action == PlaylistAction.VIEW:
        return allowed
    if caller is None:
        raise Unauthorized("an access token is required (Authorization: Bearer …)")
    if action not in allowed:
        detail, code = _DENIED_CODE.get(action, (f"only the playlist's owners may {action.value}", "not_playlist_owner"))
        raise Forbidden(detail, error_code=code)
    require_verified(caller)
    return allowed


def authorize_member_removal(caller: Principal | None, facts: PlaylistFacts, user_id: uuid.UUID, role: str) -> None:
    """An owner removes anyone, a member removes themselves; never the last owner.

    Args:
        user_id: the member to remove; ``role``: their role.
    """
    if caller is not None and caller.id == user_id and facts.caller_role is not None:
        require_verified(caller)
    else:
        authorize_playlist(caller, facts, PlaylistAction.MANAGE_MEMBERS)
    if role == PlaylistRole.OWNER and facts.owner_count <= 1:
        raise Conflict("the last owner cannot leave: make someone else an owner first", error_code="last_owner")


def check_role_change(old_role: str | None, new_role: str, owner_count: int) -> None:
    """Demoting the last owner to editor would leave the playlist without an owner (409 ``last_owner``)."""
    if new_role not in set(PlaylistRole):
        raise ValidationFailed("role must be owner or editor", error_code="invalid_role")
    if old_role == PlaylistRole.OWNER and new_role != PlaylistRole.OWNER and owner_count <= 1:
        raise Conflict("the last owner cannot step down: make someone else an owner first", error_code="last_owner")
