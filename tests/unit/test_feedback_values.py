"""Pure pieces of review and feedback: a comment's span against the duration, progress series."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from api.assessments.services import progress_of
from api.comments.services import check_span
from core.errors import CadenzaError
from storage.repositories.assessments import ProgressPoint

BAD = "422 invalid_timestamp"


def outcome(at: float, end: float | None, duration: float | None) -> str:
    try:
        check_span(at, end, duration)
    except CadenzaError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "ok"


@pytest.mark.parametrize(
    ("at", "end", "duration", "expected"),
    [
        (0.0, None, 10.0, "ok"),
        (10.0, None, 10.0, "ok"),  # the last moment
        (2.5, 7.5, 10.0, "ok"),
        (3.0, 3.0, 10.0, "ok"),  # an empty span is a moment
        (10.5, None, 10.0, BAD),  # past the end
        (2.0, 10.5, 10.0, BAD),  # a span past the end
        (-0.1, None, 10.0, BAD),
        (5.0, 4.0, 10.0, BAD),  # ends before it starts
        (float("inf"), None, 10.0, BAD),
        (float("nan"), None, 10.0, BAD),
        (1.0, None, None, "409 recording_not_ready"),  # no duration yet: nothing to point at
        (-1.0, None, None, BAD),  # a bad moment is bad whatever the duration
    ],
)
def test_a_comment_lies_within_the_recording(at: float, end: float | None, duration: float | None, expected: str) -> None:
    assert outcome(at, end, duration) == expected


def test_progress_gives_each_criterion_its_series_and_average() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rec = uuid.uuid4()
    points = [
        ProgressPoint(uuid.uuid4(), rec, start, 3, 40, None, 50, None),
        ProgressPoint(uuid.uuid4(), rec, start + dt.timedelta(days=7), 4, 61, 70, None, None),
    ]
    progress = progress_of(uuid.uuid4(), points)
    by_name = {c.name: c for c in progress.criteria}
    assert list(by_name) == ["rating", "technique", "musicality", "rhythm", "overall"]
    assert progress.assessments == 2
    assert [(p.at, p.value) for p in by_name["rating"].series] == [(start, 3), (start + dt.timedelta(days=7), 4)]
    assert (by_name["rating"].average, by_name["technique"].average) == (3.5, 50.5)
    assert (by_name["musicality"].count, by_name["musicality"].average) == (1, 70.0)
    assert (by_name["overall"].count, by_name["overall"].average, by_name["overall"].series) == (0, None, [])
