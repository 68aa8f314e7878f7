"""Queue ``notify``: the ``artist_news`` actor, telling an artist's followers of a new song or album.

Followers can be many, so they are notified a batch at a time, each batch its own transaction,
keyed by follower id: a worker stopped midway and redelivered starts again from the first
follower, and the dedupe key (``artist.new_song:<item>:<follower>``) skips those already told.
"""

from __future__ import annotations

import json
import logging

from jobs.tasks import ArtistNewsArgs
from storage.repositories.artist_news import FIRST, notify_follower_batch
from workers.runtime import get_context

log = logging.getLogger("cadenza.artist_news")

BATCH_SIZE = 500


async def artist_news(args: ArtistNewsArgs) -> None:
    ctx = await get_context()
    kind = f"artist.new_{args.kind}"
    data = json.dumps({f"{args.kind}_id": str(args.item_id), "artist_ids": [str(a) for a in args.artist_ids]})
    after, total = FIRST, 0
    while True:
        async with ctx.sessions.begin() as session:
            last, seen, written = await notify_follower_batch(
                session, kind=kind, item_id=args.item_id, title=f"New {args.kind}: {args.title}", data=data,
                artist_ids=list(args.artist_ids), after=after, size=BATCH_SIZE,
            )
        total += written
        if last is None or seen < BATCH_SIZE:
            break
        after = last
    log.info("followers notified", extra={"kind": kind, "item_id": str(args.item_id), "notified": total})
