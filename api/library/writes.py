"""What every catalogue write shares: the locked entry, authorized; ids that must exist; link rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.library import CatalogueAction, authorize_catalogue
from core.errors import NotFound, ValidationFailed
from storage.models.library import Album, Artist, Genre, Song
from storage.models.users import User
from storage.repositories.library import LibraryRepository

M = TypeVar("M", Genre, Artist, Album, Song)
KIND_OF: dict[type[Any], str] = {Genre: "genre", Artist: "artist", Album: "album", Song: "song"}


def changes_of(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body gives (``UNSET`` ones are absent; ``None`` clears)."""
    return {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}


def distinct(ids: Iterable[Any]) -> list[Any]:
    """``ids`` without repeats, first occurrence kept (the order may carry meaning: billing)."""
    return list(dict.fromkeys(ids))


async def locked_entry(
    session: AsyncSession, model: type[M], entry_id: uuid.UUID, caller: User, action: CatalogueAction
) -> M:
    """The entry, locked, once the caller may do ``action`` to it (404 ``<kind>_not_found``, 401/403)."""
    entry = await LibraryRepository(session).get(model, entry_id, for_update=True)
    kind = KIND_OF[model]
    if entry is None:
        raise NotFound(f"no such {kind}", error_code=f"{kind}_not_found")
    authorize_catalogue(caller, action, entry.created_by)
    return entry


async def require_known(session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]) -> None:
    """422 ``unknown_<kind>`` naming the ids of ``model`` that do not exist."""
    missing = await LibraryRepository(session).missing_ids(model, ids)
    if missing:
        kind = KIND_OF[model]
        names = ", ".join(str(m) for m in missing)
        raise ValidationFailed(f"no {kind} has the id {names}", error_code=f"unknown_{kind}")
