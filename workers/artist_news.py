"""Queue ``notify``: the ``artist_news`` actor, telling an artist's followers of a new song or album.

Each follower's notification goes through the shared fan-out (``jobs.fanout``), so their
preferences choose the channels (in the app, e-mail, webhooks) as for any other kind. Followers
can be many, so they are taken a batch at a time, each batch its own transaction, in follower-id
order: a worker stopped midway and redelivered starts again from the first follower, and the
dedupe key (``artist.new_song:<item>:<follower>``) skips those already told.
"""

from __future__ import annotations

import logging

from jobs.fanout import Created, notify_user, publish
from jobs.tasks import ArtistNewsArgs
from storage.repositories.artist_news import FIRST, follower_batch
from workers.runtime import get_context

log = logging.getLogger("cadenza.artist_news")

BATCH_SIZE = 500


async def artist_news(args: ArtistNewsArgs) -> None:
    ctx = await get_context()
    kind = f"artist.new_{args.kind}"
    data = {f"{args.kind}_id": str(args.item_id), "artist_ids": [str(a) for a in args.artist_ids]}
    title = f"New {args.kind}: {args.title}"
    after, total = FIRST, 0
    while True:
        created: list[Created] = []
        async with ctx.sessions.begin() as session:
            followers = await follower_batch(session, list(args.artist_ids), after=after, size=BATCH_SIZE)
            for user_id in followers:
                dedupe_key = f"{kind}:{args.item_id}:{user_id}"
                item = await notify_user(
                    session, user_id=user_id, kind=kind, title=title, data=data, dedupe_key=dedupe_key
                )
                if item is not None:
                    created.append(item)
        # Live events only once the batch's rows are committed (and readable).
        await publish(ctx.redis, created)
        total += len(created)
        if len(followers) < BATCH_SIZE:
            break
        after = followers[-1]
    log.info("followers notified", extra={"kind": kind, "item_id": str(args.item_id), "notified": total})
