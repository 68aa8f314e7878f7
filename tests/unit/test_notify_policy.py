"""Owner-only things (notifications, webhooks): the owner passes, everyone else gets 404."""

from __future__ import annotations

import uuid

import pytest

from api.authz.ownership import authorize_owner
from core.errors import NotFound

OWNER, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    ("caller", "owner", "allowed"),
    [(OWNER, OWNER, True), (OTHER, OWNER, False), (OWNER, None, False)],
)
@pytest.mark.parametrize("what", ["notification", "webhook"])
def test_only_the_owner(caller: uuid.UUID, owner: uuid.UUID | None, allowed: bool, what: str) -> None:
    if allowed:
        authorize_owner(caller, owner, what=what)
        return
    with pytest.raises(NotFound) as caught:
        authorize_owner(caller, owner, what=what)
    assert caught.value.error_code == f"{what}_not_found"
