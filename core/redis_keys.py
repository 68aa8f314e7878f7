"""Every Redis key and channel name Cadenza uses, in one place (Dramatiq's own keys included).

Keeping them together shows at a glance what lives in Redis, and what a Redis that lost its data
loses: broker messages and markers (recovered from PostgreSQL by the relay), heartbeats (rewritten
within one interval), denylists, rate-limit windows, sent-mail markers.
"""

from __future__ import annotations

import uuid

#: Dramatiq's namespace: its queues are ``cadenza:{queue}`` (waiting), ``cadenza:{queue}.DQ``
#: (delayed), ``cadenza:{queue}.XQ`` (dead letters), ``cadenza:__acks__.*`` (in flight).
BROKER_NAMESPACE = "cadenza"
#: Set by the relay; its absence means the broker lost its data (``workers.broker_watch``).
BROKER_MARKER_KEY = "cadenza:broker-marker"
HEARTBEAT_PREFIX = "cadenza:workers:"


def broker_queue_key(queue: str, suffix: str = "") -> str:
    """Dramatiq's key for ``queue``; ``suffix`` ``.DQ`` (delayed) or ``.XQ`` (dead letters)."""
    return f"{BROKER_NAMESPACE}:{queue}{suffix}"


def broker_doorbell_key(queue: str) -> str:
    """Tokens pushed on every enqueue to ``queue``, waking its idle consumers (``workers.doorbell``)."""
    return f"{BROKER_NAMESPACE}:doorbell:{queue}"


#: Dramatiq's sets of messages taken but not yet acknowledged: ``cadenza:__acks__.<worker>.<queue>``.
BROKER_ACKS_PATTERN = f"{BROKER_NAMESPACE}:__acks__.*"


def heartbeat_key(worker: str) -> str:
    """A worker process's heartbeat (``host:pid``), expiring when it falls silent."""
    return f"{HEARTBEAT_PREFIX}{worker}"


def cancel_key(job_id: uuid.UUID | str) -> str:
    """Tells a worker running one of the job's steps to stop (an operator's cancel)."""
    return f"cadenza:cancel:{job_id}"


def mail_sent_key(kind: str, ref: str) -> str:
    """Set once a mail is sent, so a redelivered message does not send it twice."""
    return f"cadenza:mail-sent:{kind}:{ref}"


def user_events_channel(user_id: uuid.UUID | str) -> str:
    """The pub/sub channel of one user's live events (SSE)."""
    return f"cadenza:events:user:{user_id}"


def revoked_access_key(jti: str) -> str:
    return f"cadenza:revoked-access:{jti}"


def revoked_family_key(family: uuid.UUID) -> str:
    return f"cadenza:revoked-family:{family.hex}"


def ratelimit_key(scope: str, kind: str, digest: str) -> str:
    return f"cadenza:ratelimit:{scope}:{kind}:{digest}"
