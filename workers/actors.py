"""Declare one Dramatiq actor per task of the registry (``jobs.tasks``), on the task's queue.

Every task has exactly one handler, and every plan step is a step task with one: ``check_handlers``
refuses to start otherwise, so a typo in a plan or a task nobody handles fails at boot instead
of stranding work in a queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dramatiq

from jobs.plans import PLANS, Plan
from jobs.tasks import (
    ALBUM_COVER,
    DELIVER_WEBHOOK,
    ARTIST_NEWS,
    DISCARD_RECORDING,
    FINALIZE,
    NOTIFY,
    PROBE,
    PROFILE_PHOTO,
    RENDER,
    SEND_MAIL,
    TASKS,
    THUMBNAILS,
    Task,
    TaskRegistry,
)
from workers import (
    artist_news,
    cover_task,
    deferral,
    discard_task,
    images,
    ingest,
    mail_task,
    notify,
    photo_task,
    transcode,
    webhook_task,
)
from workers.steps import StepHandler, run_step
from workers.task_runner import TaskHandler, run_task

STEP_HANDLERS: dict[str, StepHandler] = {
    PROBE.name: ingest.probe,
    RENDER.name: transcode.render,
    THUMBNAILS.name: images.thumbnails,
    FINALIZE.name: ingest.finalize,
    NOTIFY.name: notify.notify,
}
TASK_HANDLERS: dict[str, TaskHandler] = {
    PROFILE_PHOTO.name: photo_task.profile_photo,
    ALBUM_COVER.name: cover_task.album_cover,
    SEND_MAIL.name: mail_task.send_mail,
    DELIVER_WEBHOOK.name: webhook_task.deliver_webhook,
    ARTIST_NEWS.name: artist_news.artist_news,
    DISCARD_RECORDING.name: discard_task.discard_recording,
}


def check_handlers(
    tasks: TaskRegistry = TASKS,
    plans: Mapping[str, Plan] = PLANS,
    step_handlers: Mapping[str, object] = STEP_HANDLERS,
    task_handlers: Mapping[str, object] = TASK_HANDLERS,
) -> None:
    """Raise RuntimeError unless tasks, plan steps and handlers match one to one."""
    problems = []
    both = sorted(set(step_handlers) & set(task_handlers))
    if both:
        problems.append(f"tasks with two handlers: {both}")
    for task in tasks:
        handlers = step_handlers if task.is_step else task_handlers
        if task.name not in handlers:
            problems.append(f"task {task.name!r} has no {'step ' if task.is_step else ''}handler")
    unknown = sorted((set(step_handlers) | set(task_handlers)) - tasks.names())
    if unknown:
        problems.append(f"handlers for tasks nobody declared: {unknown}")
    for plan in plans.values():
        for step in plan.steps:
            if step.name not in tasks.names() or not tasks.get(step.name).is_step:
                problems.append(f"plan {plan.name!r} names {step.name!r}, which is not a declared step task")
    if problems:
        raise RuntimeError("; ".join(problems))


def declare_actors(broker: dramatiq.Broker) -> dict[str, dramatiq.Actor]:
    check_handlers()
    actors: dict[str, dramatiq.Actor] = {}
    for task in TASKS:
        options: dict[str, Any] = {
            "max_retries": task.broker_retries,
            # A message taken during a database outage comes back (``workers.deferral``).
            "retry_when": deferral.retry_when(task.broker_retries),
            "min_backoff": deferral.MIN_BACKOFF_MS,
            "max_backoff": deferral.MAX_BACKOFF_MS,
        }
        if task.time_limit_ms is not None:
            options["time_limit"] = task.time_limit_ms
        actors[task.name] = dramatiq.actor(
            task_function(task), actor_name=task.name, queue_name=task.queue, broker=broker, **options
        )
    return actors


def task_function(task: Task[Any]):  # noqa: ANN202
    """The actor's function: decodes the message's arguments into the task's struct (the
    in-process test tier calls it directly, as a worker would)."""
    if task.is_step:
        step_handler = STEP_HANDLERS[task.name]

        async def actor_fn(*legacy: Any, **fields: Any) -> None:
            args = task.decode(fields or list(legacy))
            await run_step(task.name, str(args.job_id), step_handler)
    else:
        task_handler = TASK_HANDLERS[task.name]

        async def actor_fn(*legacy: Any, **fields: Any) -> None:
            await run_task(task, task.decode(fields or list(legacy)), task_handler)

    actor_fn.__name__ = task.name
    actor_fn.__qualname__ = task.name
    return actor_fn
