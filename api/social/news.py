"""Followers of an artist hear of a new song or album: the catalogue's create services call this.

Only an outbox row is written, in the creating transaction (no ghost news for a rolled-back
create); the ``artist_news`` task notifies the followers in batches (``workers.artist_news``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.tasks import ARTIST_NEWS, ArtistNewsArgs, enqueue


def announce_new_work(
    session: AsyncSession,
    *,
    kind: Literal["song", "album"],
    item_id: uuid.UUID,
    title: str,
    artist_ids: Iterable[uuid.UUID],
) -> None:
    """Ask for ``artist.new_<kind>`` notifications to the followers of ``artist_ids`` (none: nothing)."""
    artists = sorted(set(artist_ids))
    if artists:
        enqueue(session, ARTIST_NEWS, ArtistNewsArgs(kind=kind, item_id=item_id, title=title, artist_ids=artists))
