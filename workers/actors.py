"""Declare one Dramatiq actor per plan step, each on its step's queue.

Every step name of every plan must have a handler: ``declare_actors`` refuses to start otherwise,
so a typo in a plan fails at boot instead of stranding jobs in ``queued``.
"""

from __future__ import annotations

import dramatiq

from pipelines.plans import PLANS
from workers import images, ingest, mail, notify, photos, transcode
from workers.steps import StepHandler, run_step

HANDLERS: dict[str, StepHandler] = {
    "probe": ingest.probe,
    "render": transcode.render,
    "thumbnails": images.thumbnails,
    "finalize": ingest.finalize,
    "notify": notify.notify,
}


def check_plans() -> None:
    for plan in PLANS.values():
        missing = [s.name for s in plan.steps if s.name not in HANDLERS]
        if missing:
            raise RuntimeError(f"plan {plan.name!r} names steps without a handler: {missing}")


def declare_actors(broker: dramatiq.Broker) -> dict[str, dramatiq.Actor]:
    check_plans()
    actors: dict[str, dramatiq.Actor] = {}
    for plan in PLANS.values():
        for step in plan.steps:
            if step.name in actors:
                continue
            actors[step.name] = dramatiq.actor(
                _make_actor_fn(step.name),
                actor_name=step.name,
                queue_name=step.queue,
                max_retries=0,  # retries go through the outbox with backoff, see workers.steps
                broker=broker,
            )
    actors[photos.PROFILE_PHOTO_ACTOR] = photos.declare_actor(broker)
    actors[mail.MAIL_ACTOR] = mail.declare_actor(broker)
    return actors


def _make_actor_fn(step_name: str):  # noqa: ANN202
    handler = HANDLERS[step_name]

    async def actor_fn(job_id: str) -> None:
        await run_step(step_name, job_id, handler)

    actor_fn.__name__ = step_name
    actor_fn.__qualname__ = step_name
    return actor_fn
