"""Things only their owner may see or change: notifications (their recipient) and webhooks.

Anyone else, admins included, is told the thing does not exist (404), so ids are not confirmed to
strangers and a webhook's URL and delivery log stay its owner's business.
"""

from __future__ import annotations

import uuid

from core.errors import NotFound


def authorize_owner(caller_id: uuid.UUID, owner_id: uuid.UUID | None, *, what: str) -> None:
    """Raise 404 ``{what}_not_found`` unless ``caller_id`` owns the thing (``owner_id`` None: missing)."""
    if owner_id is None or owner_id != caller_id:
        raise NotFound(f"no such {what}", error_code=f"{what}_not_found")
