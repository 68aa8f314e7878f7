"""Pipeline plans as data: which steps (tasks), after which others, and what each step is for.

Each step is a task of ``jobs.tasks`` (its queue and attempts come from there). ``workers.actors``
refuses to start when a plan names a step without a handler, so a typo cannot strand jobs in
``queued``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobs.tasks import FINALIZE, NOTIFY, PROBE, RENDER, THUMBNAILS, Task


@dataclass(frozen=True, slots=True)
class PlanStep:
    task: Task[Any]
    requires: tuple[str, ...] = ()
    #: Skipped when the probe finds no picture (audio-only media).
    video_only: bool = False
    #: Only tells people the outcome: the media is ready (or failed) before it runs, it still
    #: runs when the job fails, and an operator's retry runs it again.
    fan_out: bool = False

    @property
    def name(self) -> str:
        return self.task.name

    @property
    def queue(self) -> str:
        return self.task.queue

    @property
    def max_attempts(self) -> int:
        return self.task.max_attempts


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    steps: tuple[PlanStep, ...]
    #: The steps' results are staged on the job and swapped into the recording at finalize
    #: (``jobs.staging``): the recording keeps its old media until then, and if the job fails.
    stages_media: bool = False

    def step(self, name: str) -> PlanStep:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"plan {self.name!r} has no step {name!r}")

    @property
    def fan_out_steps(self) -> frozenset[str]:
        return frozenset(s.name for s in self.steps if s.fan_out)

    @property
    def video_only_steps(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.steps if s.video_only)


# One plan serves video and audio: the kind is only known after `probe`, which then skips
# the video-only steps. Render and thumbnails run in parallel on their own queues.
MEDIA_PLAN = Plan(
    name="media",
    steps=(
        PlanStep(PROBE),
        PlanStep(RENDER, requires=("probe",)),
        PlanStep(THUMBNAILS, requires=("probe",), video_only=True),
        PlanStep(FINALIZE, requires=("render", "thumbnails")),
        PlanStep(NOTIFY, requires=("finalize",), fan_out=True),
    ),
)

# A new file for a recording that has media: the same steps, staged. No notify step: the
# recording stays ready with its old media whatever happens, and the job shows the outcome.
REPLACE_PLAN = Plan(
    name="replace",
    steps=tuple(step for step in MEDIA_PLAN.steps if not step.fan_out),
    stages_media=True,
)

PLANS: dict[str, Plan] = {MEDIA_PLAN.name: MEDIA_PLAN, REPLACE_PLAN.name: REPLACE_PLAN}


def plan_of(name: str) -> Plan:
    """The plan a job was created with (``Job.plan``)."""
    try:
        return PLANS[name]
    except KeyError:
        raise LookupError(f"no plan is called {name!r}") from None
