"""Assessments: teachers write them for their students; students, their teachers and admins read them."""

from __future__ import annotations

import uuid

from api.assessments.schemas import (
    AssessmentCreate,
    AssessmentOut,
    AssessmentPage,
    CriterionProgress,
    ProgressOut,
    ProgressPointOut,
)
from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.authz import RecordingAction
from api.authz.assessments import StudentFacts, authorize_assessing, authorize_progress
from api.comments.schemas import AuthorOut
from api.context import AppContext
from api.notifications.sender import Notifications
from api.recordings.services import authorized_recording
from core.errors import NotFound
from core.ids import utcnow
from core.text import fill
from storage.models.feedback import Assessment
from storage.models.users import User
from storage.repositories.assessments import CRITERIA, AssessmentRepository, ProgressPoint, student_progress
from storage.repositories.notifications import TITLE_MAX_CHARS


def assessment_out(row: Assessment, teacher: User) -> AssessmentOut:
    return AssessmentOut(
        id=row.id,
        recording_id=row.recording_id,
        student_id=row.student_id,
        teacher=AuthorOut(teacher.id, teacher.username, teacher.display_name),
        rating=row.rating,
        technique=row.technique,
        musicality=row.musicality,
        rhythm=row.rhythm,
        overall=row.overall,
        notes=row.notes,
        created_at=row.created_at,
    )


def progress_of(user_id: uuid.UUID, points: list[ProgressPoint]) -> ProgressOut:
    """Per criterion: its values over time (oldest first, ready for a chart) and their average."""
    criteria = []
    for name in CRITERIA:
        series = [
            ProgressPointOut(at=p.created_at, value=value, recording_id=p.recording_id, assessment_id=p.id)
            for p in points
            if (value := getattr(p, name)) is not None
        ]
        average = round(sum(s.value for s in series) / len(series), 2) if series else None
        criteria.append(CriterionProgress(name=name, average=average, count=len(series), series=series))
    return ProgressOut(user_id=user_id, assessments=len(points), criteria=criteria)


class AssessmentService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def create(self, caller: User, recording_id: uuid.UUID, data: AssessmentCreate) -> AssessmentOut:
        notifications = Notifications()
        async with self.ctx.sessions.begin() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.VIEW, for_update=True)
            student_id = found.recording.owner_id
            repo = AssessmentRepository(session)
            authorize_assessing(caller, StudentFacts(student_id, await repo.caller_teaches(caller.id, student_id)))
            row = Assessment(
                id=uuid.uuid4(),
                recording_id=recording_id,
                teacher_id=caller.id,
                student_id=student_id,
                created_at=utcnow(),
                **{f: getattr(data, f) for f in data.__struct_fields__},
            )
            await repo.add(row)
            name = (caller.display_name or caller.username)[:60]
            await notifications.add(
                session,
                user_id=student_id,
                kind="assessment.created",
                title=fill(found.recording.title, TITLE_MAX_CHARS, before=f"{name} assessed “", after="”"),
                body=data.notes,
                data={
                    "recording_id": str(recording_id),
                    "assessment_id": str(row.id),
                    "at_seconds": None,
                    "teacher_id": str(caller.id),
                    "rating": data.rating,
                },
                dedupe_key=f"assessment.created:{row.id}",
            )
        await notifications.publish(self.ctx.redis)
        return assessment_out(row, caller)

    async def list(self, caller: User, recording_id: uuid.UUID, *, limit: int, offset: int) -> AssessmentPage:
        async with self.ctx.sessions() as session:
            found = await authorized_recording(session, caller, recording_id, RecordingAction.VIEW)
            student_id = found.recording.owner_id
            repo = AssessmentRepository(session)
            authorize_progress(caller, StudentFacts(student_id, await repo.caller_teaches(caller.id, student_id)))
            rows, total = await repo.for_recording(recording_id, limit=limit, offset=offset)
        return AssessmentPage([assessment_out(a, t) for a, t in rows], total, limit, offset)

    async def progress(self, claims: TokenClaims, user_id: uuid.UUID) -> ProgressOut:
        """One statement: the caller's account, the student and whether the caller teaches them, the points."""
        read = student_progress(self.ctx.reads, claims.sub, user_id)
        caller_row, student, points = await read_as(self.ctx, claims, read)
        caller = check_account(claims, caller_row)
        if student is None:
            raise NotFound("no such user", error_code="user_not_found")
        authorize_progress(caller, StudentFacts(student.id, student.caller_teaches))
        return progress_of(student.id, points)
