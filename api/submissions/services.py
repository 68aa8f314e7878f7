"""Handing in, replacing, withdrawing and grading assignment submissions.

A submission's file is a recording owned by the student, made by the recordings' own upload path
(``api.recordings.intake``: streamed, quotas, the same pipeline); the submission row is written in
the recording's transaction (an ``Attachment``). **Replacing** the file uploads a new recording,
points the submission at it (clearing the grade: the teacher grades the new work) and then
deletes the old recording; if that deletion fails, the old recording is simply left to its owner.
**Withdrawing** removes the submission and leaves the recording to the student.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz.courses import CourseFacts
from api.authz.principal import require_verified
from api.authz.submissions import SubmissionAction, SubmissionFacts, authorize_submission, authorize_submit
from api.context import AppContext
from api.notifications.sender import Notifications
from api.recordings.intake import Attachment, UploadService
from api.recordings.services import RecordingService
from api.relationships.schemas import person_out
from api.submissions.schemas import SubmissionFields, SubmissionGrade, SubmissionOut
from api.uploads import FormBody
from core.errors import CadenzaError, Conflict, NotFound, ValidationFailed
from core.ids import new_id, utcnow
from storage.models.learning import BlockKind
from storage.models.recordings import Recording
from storage.models.submissions import Submission
from storage.models.users import User
from storage.repositories.jobs import JobRepository
from storage.repositories.progress import record_learning_activity
from storage.repositories.recordings import RecordingRepository
from storage.repositories.submissions import SubmissionRepository, block_row
from storage.repositories.users import UserRepository

log = logging.getLogger("cadenza.submissions")
NOTE_FIELDS = frozenset(SubmissionFields.__struct_fields__)


def _note(fields: dict[str, str]) -> str | None:
    raw = {k: v.strip() for k, v in fields.items() if k in NOTE_FIELDS and v.strip()}
    try:
        return msgspec.convert(raw, SubmissionFields).note
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc), error_code="validation_error") from None


async def _body(session: AsyncSession, submission: Submission, job_id: uuid.UUID | None = None) -> SubmissionOut:
    student = await UserRepository(session).get(submission.student_id)
    recording = await RecordingRepository(session).get(submission.recording_id)
    due_at = await SubmissionRepository(session).due_at(submission.block_id)
    if job_id is None:
        job = await JobRepository(session).latest_for_recording(submission.recording_id)
        job_id = job.id if job else None
    assert student is not None and recording is not None  # both cascade to the submission
    return SubmissionOut(
        id=submission.id,
        block_id=submission.block_id,
        student=person_out(student),
        recording_id=submission.recording_id,
        job_id=job_id,
        status=recording.status,
        note=submission.note,
        grade=submission.grade,
        feedback=submission.feedback,
        created_at=submission.created_at,
        handed_in_at=recording.created_at,
        late=due_at is not None and recording.created_at > due_at,
    )


def already_submitted() -> Conflict:
    return Conflict(
        "you have handed in work for this assignment; replace its file instead", error_code="already_submitted"
    )


class SubmissionService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def submit(self, caller: User, block_id: uuid.UUID, body: FormBody) -> SubmissionOut:
        async with self.ctx.sessions() as session:
            block = await block_row(session, block_id, caller.id)
        if block is None:
            raise NotFound("no such block", error_code="block_not_found")
        course = block.course
        authorize_submit(caller, CourseFacts(course.teacher_id, course.is_published, course.enrolled))
        require_verified(caller)
        if block.kind != BlockKind.ASSIGNMENT:
            raise ValidationFailed("work is handed in to assignment blocks only", error_code="not_an_assignment")
        submission_id = new_id()

        async def attach(
            session: AsyncSession, recording: Recording, job_id: uuid.UUID, fields: dict[str, str]
        ) -> None:
            submission = Submission(
                id=submission_id, block_id=block_id, student_id=caller.id, recording_id=recording.id, note=_note(fields)
            )
            await SubmissionRepository(session).add(submission)
            await record_learning_activity(session, caller, utcnow())

        try:
            result = await UploadService(self.ctx).upload(body, caller, Attachment(NOTE_FIELDS, attach))
        except IntegrityError:
            raise already_submitted() from None  # a submission of this student for this block exists
        async with self.ctx.sessions() as session:
            submission = await SubmissionRepository(session).by_recording(result.recording.id)
            if submission is None:  # an Idempotency-Key replay of an upload that is no submission
                raise Conflict("that Idempotency-Key was used for another upload", error_code="idempotency_key_reused")
            return await _body(session, submission, result.job_id)

    async def _authorized(
        self,
        session: AsyncSession,
        caller: User,
        submission_id: uuid.UUID,
        action: SubmissionAction,
        *,
        for_update: bool = False,
    ) -> Submission:
        found = await SubmissionRepository(session).with_teacher(submission_id, for_update=for_update)
        if found is None:
            raise NotFound("no such submission", error_code="submission_not_found")
        submission, teacher_id = found
        authorize_submission(caller, SubmissionFacts(submission.student_id, teacher_id), action)
        require_verified(caller)
        return submission

    async def replace(self, caller: User, submission_id: uuid.UUID, body: FormBody) -> SubmissionOut:
        async with self.ctx.sessions() as session:
            old_recording_id = (
                await self._authorized(session, caller, submission_id, SubmissionAction.REPLACE)
            ).recording_id

        async def attach(
            session: AsyncSession, recording: Recording, job_id: uuid.UUID, fields: dict[str, str]
        ) -> None:
            submission = await self._authorized(
                session, caller, submission_id, SubmissionAction.REPLACE, for_update=True
            )
            if submission.recording_id != old_recording_id:
                raise Conflict("the submission's file was just replaced; try again", error_code="submission_changed")
            note = _note(fields)
            submission.recording_id = recording.id
            submission.note = note if note is not None else submission.note
            submission.grade = submission.feedback = submission.graded_at = None
            await record_learning_activity(session, caller, utcnow())

        result = await UploadService(self.ctx).upload(body, caller, Attachment(NOTE_FIELDS, attach))
        try:
            await RecordingService(self.ctx).delete(caller, old_recording_id)
        except CadenzaError as exc:  # already gone, or storage hiccup: the student keeps it
            log.warning(
                "replaced submission file not deleted",
                extra={"recording_id": str(old_recording_id), "error": exc.error_code},
            )
        async with self.ctx.sessions() as session:
            submission = await self._authorized(session, caller, submission_id, SubmissionAction.VIEW)
            return await _body(session, submission, result.job_id)

    async def withdraw(self, caller: User, submission_id: uuid.UUID) -> None:
        async with self.ctx.sessions.begin() as session:
            submission = await self._authorized(
                session, caller, submission_id, SubmissionAction.DELETE, for_update=True
            )
            await SubmissionRepository(session).delete(submission)

    async def grade(self, caller: User, submission_id: uuid.UUID, data: SubmissionGrade) -> SubmissionOut:
        """Set the grade and/or feedback; the student is notified once per distinct verdict."""
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            submission = await self._authorized(session, caller, submission_id, SubmissionAction.GRADE, for_update=True)
            if data.grade is not msgspec.UNSET:
                submission.grade = data.grade
            if data.feedback is not msgspec.UNSET:
                submission.feedback = data.feedback
            submission.graded_at = utcnow()
            verdict = f"{submission.recording_id}:{submission.grade}:{submission.feedback}"
            digest = hashlib.blake2b(verdict.encode(), digest_size=12).hexdigest()
            await notifications.add(
                session,
                user_id=submission.student_id,
                kind="submission.graded",
                title=f"Your submission was graded: {submission.grade}/100"
                if submission.grade is not None
                else "Your teacher left feedback on your submission",
                data={
                    "submission_id": str(submission.id),
                    "block_id": str(submission.block_id),
                    "grade": submission.grade,
                },
                dedupe_key=f"submission.graded:{submission.id}:{digest}",
            )
            body = await _body(session, submission)
        await notifications.publish(self.ctx.redis)
        return body
