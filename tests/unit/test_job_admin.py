"""Which steps an operator's retry starts afresh, from the steps of a failed job alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from core.redis_keys import cancel_key
from jobs.operator import steps_to_retry
from jobs.plans import MEDIA_PLAN

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
REQUIRES = {
    "probe": [],
    "render": ["probe"],
    "thumbnails": ["probe"],
    "finalize": ["render", "thumbnails"],
    "notify": ["finalize"],
}


@dataclass
class S:
    name: str
    state: str
    requires: list[str] = field(default_factory=list)
    enqueued_at: dt.datetime | None = NOW


def failed_job(**states: str) -> list[S]:
    return [S(name, states[name], req) for name, req in REQUIRES.items()]


@pytest.mark.parametrize(
    ("states", "reset"),
    [
        # The probe failed: everything after it was skipped, the owner was told.
        (
            {
                "probe": "failed",
                "render": "skipped",
                "thumbnails": "skipped",
                "finalize": "skipped",
                "notify": "succeeded",
            },
            ["probe", "render", "thumbnails", "finalize", "notify"],
        ),
        # The render failed while the thumbnails were made: those are kept.
        (
            {
                "probe": "succeeded",
                "render": "failed",
                "thumbnails": "succeeded",
                "finalize": "skipped",
                "notify": "succeeded",
            },
            ["render", "finalize", "notify"],
        ),
        # Audio: the probe skipped the thumbnails by plan; they stay skipped.
        (
            {
                "probe": "succeeded",
                "render": "failed",
                "thumbnails": "skipped",
                "finalize": "skipped",
                "notify": "succeeded",
            },
            ["render", "finalize", "notify"],
        ),
        # Render and thumbnails failed (a cancel while both ran), and so did the notification.
        (
            {
                "probe": "succeeded",
                "render": "failed",
                "thumbnails": "failed",
                "finalize": "skipped",
                "notify": "failed",
            },
            ["render", "thumbnails", "finalize", "notify"],
        ),
    ],
)
def test_a_retry_resets_what_failed_what_that_prevented_and_the_fan_out(
    states: dict[str, str], reset: list[str]
) -> None:
    assert [s.name for s in steps_to_retry(failed_job(**states), MEDIA_PLAN)] == reset


def test_the_cancel_signal_is_keyed_by_job() -> None:
    assert cancel_key("0b5e") == "cadenza:cancel:0b5e"
