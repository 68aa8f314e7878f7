"""The broker's queues: one per kind of work, each served by its own worker group (DESIGN §2).

The only place a queue name is spelled; tasks (``jobs.tasks``), queue statistics and the admin
API refer to these members.
"""

from __future__ import annotations

import enum


class Queue(enum.StrEnum):
    INGEST = "ingest"
    TRANSCODE = "transcode"
    IMAGES = "images"
    NOTIFY = "notify"


QUEUES: tuple[str, ...] = tuple(q.value for q in Queue)
