"""The job state machine: job state, recording status and what to enqueue, from steps alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from jobs.plans import MEDIA_PLAN
from jobs.state import can_transition, derive_job_state, recording_status_for, steps_ready_to_enqueue

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass
class S:
    name: str
    state: str = "queued"
    requires: list[str] = field(default_factory=list)
    enqueued_at: dt.datetime | None = None


def plan(**states: str) -> list[S]:
    """probe → (render, thumbnails) → finalize → notify, with the given states ("sent" = queued+enqueued)."""
    requires = {
        "probe": [],
        "render": ["probe"],
        "thumbnails": ["probe"],
        "finalize": ["render", "thumbnails"],
        "notify": ["finalize"],
    }
    steps = []
    for name, req in requires.items():
        state = states.get(name, "queued")
        steps.append(S(name, "queued" if state == "sent" else state, req, NOW if state != "queued" else None))
    return steps


@pytest.mark.parametrize(
    ("states", "job", "recording"),
    [
        ({}, "queued", "processing"),
        ({"probe": "sent"}, "queued", "processing"),
        ({"probe": "running"}, "running", "processing"),
        ({"probe": "succeeded", "render": "running", "thumbnails": "sent"}, "running", "processing"),
        (
            {
                "probe": "succeeded",
                "render": "succeeded",
                "thumbnails": "succeeded",
                "finalize": "succeeded",
                "notify": "sent",
            },
            "running",
            "ready",
        ),
        (
            {
                "probe": "succeeded",
                "render": "succeeded",
                "thumbnails": "skipped",
                "finalize": "succeeded",
                "notify": "succeeded",
            },
            "succeeded",
            "ready",
        ),
        # A failure with the owner's notification still to go: not finished yet, but the recording has failed.
        (
            {"probe": "failed", "render": "skipped", "thumbnails": "skipped", "finalize": "skipped", "notify": "sent"},
            "running",
            "failed",
        ),
        (
            {
                "probe": "failed",
                "render": "skipped",
                "thumbnails": "skipped",
                "finalize": "skipped",
                "notify": "succeeded",
            },
            "failed",
            "failed",
        ),
        ({"probe": "succeeded", "render": "running", "thumbnails": "failed", "notify": "sent"}, "running", "failed"),
    ],
)
def test_job_state_and_recording_status(states: dict[str, str], job: str, recording: str) -> None:
    steps = plan(**states)
    assert derive_job_state(steps) == job
    assert recording_status_for(steps, MEDIA_PLAN) == recording


def test_ready_steps_wait_for_all_requirements() -> None:
    assert [s.name for s in steps_ready_to_enqueue(plan())] == ["probe"]
    assert [s.name for s in steps_ready_to_enqueue(plan(probe="succeeded"))] == ["render", "thumbnails"]
    assert steps_ready_to_enqueue(plan(probe="succeeded", render="succeeded", thumbnails="sent")) == []
    ready = steps_ready_to_enqueue(plan(probe="succeeded", render="succeeded", thumbnails="skipped"))
    assert [s.name for s in ready] == ["finalize"]


def test_already_sent_steps_are_not_sent_again() -> None:
    assert steps_ready_to_enqueue(plan(probe="sent")) == []


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("queued", "running", True),
        ("running", "succeeded", True),
        ("running", "queued", True),
        ("succeeded", "running", False),
        ("skipped", "running", False),
        ("failed", "queued", True),
        ("failed", "running", False),
        ("queued", "succeeded", False),
    ],
)
def test_step_transitions(current: str, target: str, allowed: bool) -> None:
    assert can_transition(current, target) is allowed
