"""The JSON a one-statement read builds is decoded straight into API bodies: their fields must agree."""

from __future__ import annotations

from api.comments.schemas import AuthorOut, CommentOut
from api.jobs.schemas import StepOut
from api.notifications.controllers import NotificationOut
from storage.repositories.comment_reads import AUTHOR_FIELDS, COMMENT_FIELDS
from storage.repositories.job_reads import STEP_FIELDS
from storage.repositories.notification_reads import NOTIFICATION_FIELDS


def test_the_step_json_has_exactly_the_fields_of_a_step_body() -> None:
    assert StepOut.__struct_fields__ == STEP_FIELDS


def test_the_notification_json_has_exactly_the_fields_of_a_notification_body() -> None:
    assert NotificationOut.__struct_fields__ == NOTIFICATION_FIELDS


def test_the_comment_json_has_exactly_the_fields_of_a_comment_body() -> None:
    assert CommentOut.__struct_fields__ == COMMENT_FIELDS
    assert AuthorOut.__struct_fields__ == AUTHOR_FIELDS
