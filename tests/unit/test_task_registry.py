"""The task registry: one declaration and one handler per task, arguments by name."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
import pytest

from api.ops.schemas import queue_out, worker_out
from core.queues import QUEUES
from jobs.plans import MEDIA_PLAN, PLANS, Plan, PlanStep
from jobs.tasks import (
    PROFILE_PHOTO,
    SEND_MAIL,
    TASKS,
    Backoff,
    DuplicateTask,
    MailArgs,
    PhotoArgs,
    StepArgs,
    Task,
    TaskRegistry,
    UnknownTask,
)
from storage.heartbeats import RunningStep, WorkerHeartbeat
from storage.queue_stats import QueueStats
from workers.actors import STEP_HANDLERS, TASK_HANDLERS, check_handlers


def test_every_task_and_every_plan_step_has_exactly_one_handler() -> None:
    check_handlers()  # the real registry, plans and handlers: what a worker checks at boot
    handled = list(STEP_HANDLERS) + list(TASK_HANDLERS)
    assert sorted(handled) == sorted(TASKS.names())
    for plan in PLANS.values():
        for step in plan.steps:
            assert TASKS.get(step.name).is_step and step.name in STEP_HANDLERS
    assert {t.queue for t in TASKS} <= set(QUEUES)


def test_a_task_without_a_handler_stops_the_worker() -> None:
    extra = Task("transcribe", MEDIA_PLAN.steps[0].task.queue, StepArgs, is_step=True)
    with pytest.raises(RuntimeError, match="'transcribe' has no step handler"):
        check_handlers(tasks=TaskRegistry([*TASKS, extra]))


def test_a_task_with_two_handlers_or_a_handler_for_no_task_stops_the_worker() -> None:
    with pytest.raises(RuntimeError, match=r"two handlers: \['send_mail'\]"):
        check_handlers(step_handlers={**STEP_HANDLERS, "send_mail": object()})
    with pytest.raises(RuntimeError, match="nobody declared: \\['tarnscode'\\]"):
        check_handlers(step_handlers={**STEP_HANDLERS, "tarnscode": object()})


def test_a_plan_naming_an_unknown_step_stops_the_worker() -> None:
    typo = Task("thumbnail", MEDIA_PLAN.steps[0].task.queue, StepArgs, is_step=True)
    plan = Plan("typo", (*MEDIA_PLAN.steps, PlanStep(typo, requires=("probe",))))
    with pytest.raises(RuntimeError, match="names 'thumbnail', which is not a declared step task"):
        check_handlers(plans={"typo": plan})


def test_the_registry_refuses_duplicates_and_unknown_names() -> None:
    registry = TaskRegistry([PROFILE_PHOTO])
    with pytest.raises(DuplicateTask):
        registry.register(Task("profile_photo", SEND_MAIL.queue, MailArgs))
    with pytest.raises(UnknownTask):
        registry.get("profile_foto")
    with pytest.raises(UnknownTask):
        TASKS.get("send_email")


def test_arguments_are_encoded_by_name_and_decoded_to_the_struct() -> None:
    args = PhotoArgs(uuid.UUID(int=7), "u-1", dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), attempt=2)
    payload = PROFILE_PHOTO.encode(args)
    assert payload == {
        "user_id": "00000000-0000-0000-0000-000000000007",
        "upload_id": "u-1",
        "token": "2026-12-01T12:00:00Z",
        "attempt": 2,
    }
    assert PROFILE_PHOTO.decode(payload) == args
    assert PROFILE_PHOTO.subject(args) == str(args.user_id)


def test_the_wrong_struct_or_a_malformed_payload_is_refused() -> None:
    with pytest.raises(TypeError, match="takes PhotoArgs, not MailArgs"):
        PROFILE_PHOTO.encode(MailArgs("verify_email", "x"))
    with pytest.raises(msgspec.ValidationError):
        SEND_MAIL.decode({"kind": "verify_email", "ref": "x", "attempt": 0, "to": "someone"})
    with pytest.raises(msgspec.ValidationError):
        PROFILE_PHOTO.decode({"user_id": "not-a-uuid", "upload_id": "u", "token": "2026-12-01T12:00:00Z"})


def test_rows_written_with_positional_arguments_by_an_older_version_still_decode() -> None:
    assert SEND_MAIL.decode(["verify_email", "abc", 3]) == MailArgs("verify_email", "abc", 3)
    assert TASKS.get("probe").decode(["00000000-0000-0000-0000-000000000001"]) == StepArgs(uuid.UUID(int=1))


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(2.0, 60.0)
    assert [backoff.delay(n) for n in range(1, 8)] == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


def test_fan_out_and_video_only_are_properties_of_the_plans_steps() -> None:
    assert MEDIA_PLAN.fan_out_steps == frozenset({"notify"})
    assert MEDIA_PLAN.video_only_steps == ("thumbnails",)
    assert MEDIA_PLAN.step("notify").max_attempts == 5 and MEDIA_PLAN.step("render").queue == "transcode"


def test_the_ops_views_name_each_queues_tasks_and_what_a_worker_runs() -> None:
    assert queue_out(QueueStats("images")).tasks == ["album_cover", "profile_photo", "thumbnails"]
    assert queue_out(QueueStats("notify")).tasks == ["artist_news", "deliver_webhook", "notify", "send_mail"]
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    running = (RunningStep("job-1", "render", now), RunningStep("user-1", "profile_photo", now))
    beat = WorkerHeartbeat("h:1", "h", 1, ("images",), now, now, 0, False, running)
    assert [(s.step, s.kind) for s in worker_out(beat, now).current] == [("render", "step"), ("profile_photo", "task")]
