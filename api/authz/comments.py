"""The comment policy: who may write, change, resolve and delete comments on a recording.

Seeing comments is seeing the recording (``api.authz.recordings``: 404 for a stranger, 401 for an
anonymous caller); writing anything needs a verified e-mail as well (403 ``email_not_verified``).

==============  =======  ====  =======  ======
caller          comment  edit  resolve  delete
==============  =======  ====  =======  ======
author          yes      yes   yes      yes
recording owner yes      no    yes      yes
admin           yes      no    no       yes
other viewer    yes      no    no       no
==============  =======  ====  =======  ======

``edit`` is the body and the category. A refusal to someone who sees the comment is 403
``not_author``.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from api.authz.principal import Principal, require_verified
from core.errors import Forbidden
from storage.models.users import Role


class CommentAction(enum.StrEnum):
    EDIT = "edit"  # body, category
    RESOLVE = "resolve"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class CommentFacts:
    author_id: uuid.UUID
    recording_owner_id: uuid.UUID


def comment_permissions(caller: Principal, facts: CommentFacts) -> frozenset[CommentAction]:
    """What ``caller``, who may view the recording, may do to the comment."""
    if caller.id == facts.author_id:
        return frozenset(CommentAction)
    if caller.id == facts.recording_owner_id:
        return frozenset({CommentAction.RESOLVE, CommentAction.DELETE})
    if caller.role == Role.ADMIN:
        return frozenset({CommentAction.DELETE})
    return frozenset()


def authorize_comment(caller: Principal, facts: CommentFacts, action: CommentAction) -> None:
    """Refuse (403) an action the caller may not do; the e-mail check comes after the rule."""
    if action not in comment_permissions(caller, facts):
        raise Forbidden(f"you may not {action.value} this comment", error_code="not_author")
    require_verified(caller)
