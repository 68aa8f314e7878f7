"""Authorization in one place: who may do what to recordings and relationships.

The rules are pure functions of the caller and a few facts about the resource, so they are
unit-tested as a table (``tests/unit/test_policy.py``); services load the facts and call them.
"""

from api.authz.principal import require_verified
from api.authz.recordings import (
    ListScope,
    RecordingAction,
    RecordingFacts,
    authorize_listing,
    authorize_recording,
    authorize_unshare,
    recording_permissions,
)
from api.authz.relationships import (
    RelationshipFacts,
    RelationshipParty,
    authorize_response,
    other_party,
    relationship_pair,
    require_party,
)

__all__ = [
    "ListScope",
    "RecordingAction",
    "RecordingFacts",
    "RelationshipFacts",
    "RelationshipParty",
    "authorize_listing",
    "authorize_recording",
    "authorize_response",
    "authorize_unshare",
    "other_party",
    "recording_permissions",
    "relationship_pair",
    "require_party",
    "require_verified",
]
