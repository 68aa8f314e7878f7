"""/api/v1/courses: courses, their chapters (create, list), enrolments and the caller's progress."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.chapters.schemas import ChapterCreate, ChapterOut, ChapterPage
from api.chapters.services import ChapterService
from api.context import AppContext
from api.courses.enrollments import EnrollmentService
from api.courses.schemas import (
    CourseCreate,
    CourseOut,
    CoursePage,
    CourseUpdate,
    EnrollmentOut,
    EnrollmentPage,
    EnrollmentRequest,
    Instrument,
    SearchText,
)
from api.courses.services import CourseService
from api.fields import Limit, Offset
from api.learning.progress import ProgressService
from api.learning.schemas import ProgressOut
from api.auth.caller import OPTIONAL_TOKEN, access_claims, optional_claims
from api.auth.tokens import TokenClaims
from storage.models.users import User

#: One-statement reads check the account on their own row (``api.auth.caller``).
_CLAIMS = {"claims": Provide(access_claims, sync_to_thread=False)}
_OPTIONAL_CLAIMS = {"claims": Provide(optional_claims, sync_to_thread=False)}


class CoursesController(Controller):
    path = "/api/v1/courses"
    tags = ["courses"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_course(self, data: CourseCreate, ctx: AppContext, current_user: User) -> CourseOut:
        """A new course taught by the caller (teachers and admins; verified e-mail)."""
        return await CourseService(ctx).create(current_user, data)

    @get("/", security=OPTIONAL_TOKEN, dependencies=_OPTIONAL_CLAIMS)
    async def list_courses(
        self,
        ctx: AppContext,
        claims: TokenClaims | None,
        instrument: Instrument | None = None,
        teacher_id: uuid.UUID | None = None,
        q: SearchText | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> CoursePage:
        """Published courses, newest first (anonymous callers too); a teacher also sees their drafts."""
        return await CourseService(ctx).list(
            claims, instrument=instrument, teacher_id=teacher_id, q=q, limit=limit, offset=offset
        )

    @get("/{course_id:uuid}", security=OPTIONAL_TOKEN, dependencies=_OPTIONAL_CLAIMS)
    async def get_course(self, course_id: uuid.UUID, ctx: AppContext, claims: TokenClaims | None) -> CourseOut:
        """A published course, or a draft for its teacher (one statement)."""
        return await CourseService(ctx).get(claims, course_id)

    @patch("/{course_id:uuid}")
    async def update_course(
        self, course_id: uuid.UUID, data: CourseUpdate, ctx: AppContext, current_user: User
    ) -> CourseOut:
        """Edit (the course's teacher or an admin)."""
        return await CourseService(ctx).update(current_user, course_id, data)

    @delete("/{course_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_course(self, course_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Delete with its chapters, blocks, enrolments and completions; recordings stay their owners'."""
        await CourseService(ctx).delete(current_user, course_id)

    @post("/{course_id:uuid}/chapters", status_code=HTTP_201_CREATED)
    async def create_chapter(
        self, course_id: uuid.UUID, data: ChapterCreate, ctx: AppContext, current_user: User
    ) -> ChapterOut:
        """Add a chapter at ``position`` (default: last); the chapters from there on move down one."""
        return await ChapterService(ctx).create(current_user, course_id, data)

    @get("/{course_id:uuid}/chapters", security=OPTIONAL_TOKEN, dependencies=_OPTIONAL_CLAIMS)
    async def list_chapters(
        self,
        course_id: uuid.UUID,
        ctx: AppContext,
        claims: TokenClaims | None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ChapterPage:
        """The course's outline in order (content is read per chapter, by its students; one statement)."""
        return await ChapterService(ctx).list(claims, course_id, limit, offset)

    @post("/{course_id:uuid}/enrollments", status_code=HTTP_201_CREATED)
    async def enroll(
        self, course_id: uuid.UUID, ctx: AppContext, current_user: User, data: EnrollmentRequest | None = None
    ) -> EnrollmentOut:
        """Enrol yourself, or (the course's teacher) a student by ``user_id`` or ``username``."""
        return await EnrollmentService(ctx).enroll(current_user, course_id, data or EnrollmentRequest())

    @get("/{course_id:uuid}/enrollments", dependencies=_CLAIMS)
    async def list_enrollments(
        self, course_id: uuid.UUID, ctx: AppContext, claims: TokenClaims, limit: Limit = 50, offset: Offset = 0
    ) -> EnrollmentPage:
        """The course's students with their progress (the course's teacher or an admin; one statement)."""
        return await EnrollmentService(ctx).list(claims, course_id, limit, offset)

    @delete("/{course_id:uuid}/enrollments/{user_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def unenroll(self, course_id: uuid.UUID, user_id: uuid.UUID, ctx: AppContext, current_user: User) -> None:
        """Leave a course, or (its teacher) remove a student; their completions stay on record."""
        await EnrollmentService(ctx).unenroll(current_user, course_id, user_id)

    @get("/{course_id:uuid}/progress", dependencies=_CLAIMS)
    async def progress(self, course_id: uuid.UUID, ctx: AppContext, claims: TokenClaims) -> ProgressOut:
        """The caller's progress in the course (enrolled students; one statement)."""
        return await ProgressService(ctx).course(claims, course_id)
