"""The catalogue policy (artists, albums, songs, genres): who may read, create, change and delete.

- Reading is open to every caller, anonymous included, like published courses: the catalogue is
  the shared reference that recordings, playlists and courses point at, and holds nothing private.
- Creating needs a signed-in teacher or admin (401 anonymous; 403 ``teacher_or_admin_only``).
- Changing, deleting and giving a song its audio: the entry's creator or an admin (403
  ``not_creator``). An entry whose creator's account is gone (``created_by`` NULL) is the admins'.
- Every write needs a verified e-mail (403 ``email_not_verified``), checked before the rest.
"""

from __future__ import annotations

import enum
import uuid

from api.authz.principal import Principal, require_verified
from core.errors import Forbidden, Unauthorized
from storage.models.users import Role


class CatalogueAction(enum.StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    #: ``PUT /songs/{id}/audio``: the same people as update.
    UPLOAD_AUDIO = "upload_audio"


_EDITS = (CatalogueAction.UPDATE, CatalogueAction.DELETE)


def authorize_catalogue(
    caller: Principal | None, action: CatalogueAction, created_by: uuid.UUID | None = None
) -> None:
    """Raise 401/403 unless ``caller`` may do ``action`` to an entry created by ``created_by``."""
    if action == CatalogueAction.VIEW:
        return
    if caller is None:
        raise Unauthorized("sign in to change the catalogue")
    require_verified(caller)
    if action == CatalogueAction.CREATE:
        if caller.role not in (Role.TEACHER, Role.ADMIN):
            raise Forbidden("only teachers and admins add to the catalogue", error_code="teacher_or_admin_only")
        return
    if caller.role != Role.ADMIN and (created_by is None or created_by != caller.id):
        raise Forbidden("only its creator or an admin may change this entry", error_code="not_creator")


def catalogue_permissions(
    caller: Principal | None, created_by: uuid.UUID | None, *, song: bool = False
) -> frozenset[CatalogueAction]:
    """What the caller may do to one entry (``view`` always; ``upload_audio`` for songs only)."""
    allowed = {CatalogueAction.VIEW}
    for action in (*_EDITS, CatalogueAction.UPLOAD_AUDIO) if song else _EDITS:
        try:
            authorize_catalogue(caller, action, created_by)
        except (Unauthorized, Forbidden):
            continue
        allowed.add(action)
    return frozenset(allowed)
