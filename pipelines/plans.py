"""Pipeline plans as data: which steps, on which queue, after which others.

Workers look up the handler for each step by name; ``workers.entry`` refuses to start when a plan
names a step without a handler (so a typo cannot strand jobs in ``queued``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlanStep:
    name: str
    queue: str
    requires: tuple[str, ...] = ()
    #: Skipped when the probe finds no picture (audio-only media).
    video_only: bool = False
    max_attempts: int = 3


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    steps: tuple[PlanStep, ...]

    def step(self, name: str) -> PlanStep:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"plan {self.name!r} has no step {name!r}")


# One plan serves video and audio: the kind is only known after `probe`, which then skips
# the video-only steps. Render and thumbnails run in parallel on their own queues.
MEDIA_PLAN = Plan(
    name="media",
    steps=(
        PlanStep("probe", "ingest"),
        PlanStep("render", "transcode", requires=("probe",)),
        PlanStep("thumbnails", "images", requires=("probe",), video_only=True),
        PlanStep("finalize", "ingest", requires=("render", "thumbnails")),
        PlanStep("notify", "notify", requires=("finalize",), max_attempts=5),
    ),
)

PLANS: dict[str, Plan] = {MEDIA_PLAN.name: MEDIA_PLAN}
QUEUES: tuple[str, ...] = ("ingest", "transcode", "images", "notify")
