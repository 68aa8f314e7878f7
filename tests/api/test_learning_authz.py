"""Authorization matrix over HTTP for every learning action (DESIGN §10): who gets what.

Roles: the course's teacher, another teacher, an enrolled student, another student, an
anonymous caller, an unverified user (a teacher, enrolled in the course by its teacher) and an
admin. Destructive cells make their own course, chapter, block or enrolment first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.api.learning_support import chapter, course, enroll, expect
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin as make_admin
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api

ROLES = ("teacher", "other_teacher", "enrolled", "other_student", "anonymous", "unverified", "admin")


@dataclass
class World:
    api: Api
    base_env: dict[str, str]
    accounts: dict[str, Account]
    course_id: str
    draft_id: str
    chapter_id: str
    next_id: str
    block_id: str

    @property
    def teacher(self) -> Account:
        return self.accounts["teacher"]

    def fresh_course(self) -> str:
        return course(self.api, self.teacher)["id"]

    def fresh_chapter(self) -> str:
        return chapter(self.api, self.teacher, self.course_id, "temp")["id"]

    def fresh_block(self) -> str:
        r = self.api.http.post(
            f"/api/v1/chapters/{self.chapter_id}/blocks",
            headers=self.teacher.headers,
            json={"kind": "text", "title": "t"},
        )
        return expect(r, 201)["id"]

    def fresh_student(self) -> Account:
        return verified(self.api, self.base_env)


@pytest.fixture(scope="module")
def world(api: Api, base_env: dict[str, str]) -> World:
    teacher = verified(api, base_env, "teacher")
    accounts = {
        "teacher": teacher,
        "other_teacher": verified(api, base_env, "teacher"),
        "enrolled": verified(api, base_env),
        "other_student": verified(api, base_env),
        "unverified": api.register("teacher"),
        "admin": make_admin(api, base_env),
    }
    course_id = course(api, teacher)["id"]
    draft_id = course(api, teacher, is_published=False)["id"]
    chapter_id = chapter(api, teacher, course_id, "one")["id"]
    next_id = chapter(api, teacher, course_id, "two")["id"]
    for name in ("enrolled", "unverified"):
        expect(enroll(api, teacher, course_id, user_id=accounts[name].id), 201)
    w = World(api, base_env, accounts, course_id, draft_id, chapter_id, next_id, "")
    w.block_id = w.fresh_block()
    return w


Call = Callable[[World, httpx.Client, dict[str, str]], httpx.Response]


def _c(path: str) -> Callable[[World], str]:
    return lambda w: path.format(c=w.course_id, d=w.draft_id, ch=w.chapter_id, b=w.block_id)


def get(path: str) -> Call:
    return lambda w, http, h: http.get(_c(path)(w), headers=h)


def patch(path: str, body: dict) -> Call:
    return lambda w, http, h: http.patch(_c(path)(w), headers=h, json=body)


def post(path: str, body: dict | None = None) -> Call:
    return lambda w, http, h: http.post(_c(path)(w), headers=h, json=body)


def put(path: str, body: dict) -> Call:
    return lambda w, http, h: http.put(_c(path)(w), headers=h, json=body)


ACTIONS: dict[str, Call] = {
    "create course": post("/api/v1/courses", {"title": "mine"}),
    "view course": get("/api/v1/courses/{c}"),
    "view draft": get("/api/v1/courses/{d}"),
    "edit course": patch("/api/v1/courses/{c}", {"schedule": "Fridays"}),
    "delete course": lambda w, http, h: http.delete(f"/api/v1/courses/{w.fresh_course()}", headers=h),
    "list chapters": get("/api/v1/courses/{c}/chapters"),
    "create chapter": post("/api/v1/courses/{c}/chapters", {"title": "extra"}),
    "read chapter": get("/api/v1/chapters/{ch}"),
    "next chapter": get("/api/v1/chapters/{ch}/next"),
    "edit chapter": patch("/api/v1/chapters/{ch}", {"description": "d"}),
    "delete chapter": lambda w, http, h: http.delete(f"/api/v1/chapters/{w.fresh_chapter()}", headers=h),
    "list blocks": get("/api/v1/chapters/{ch}/blocks"),
    "create block": post("/api/v1/chapters/{ch}/blocks", {"kind": "text", "title": "t"}),
    "edit block": patch("/api/v1/blocks/{b}", {"title": "t2"}),
    "delete block": lambda w, http, h: http.delete(f"/api/v1/blocks/{w.fresh_block()}", headers=h),
    "complete chapter": post("/api/v1/chapters/{ch}/complete"),
    "course progress": get("/api/v1/courses/{c}/progress"),
    "enrol self": lambda w, http, h: http.post(f"/api/v1/courses/{w.fresh_course()}/enrollments", headers=h),
    "add student": lambda w, http, h: http.post(
        f"/api/v1/courses/{w.course_id}/enrollments", headers=h, json={"user_id": w.fresh_student().id}
    ),
    "list enrolments": get("/api/v1/courses/{c}/enrollments"),
    "remove student": lambda w, http, h: _remove_student(w, http, h),
    "my courses": get("/api/v1/users/me/courses"),
    "my progress": get("/api/v1/users/me/progress"),
    "my usage": get("/api/v1/users/me/usage"),
    "reset streak": post("/api/v1/users/me/streak/reset"),
    "set subscription": lambda w, http, h: http.put(
        f"/api/v1/admin/users/{w.accounts['other_student'].id}/subscription", headers=h, json={"plan": "free"}
    ),
    "user usage": lambda w, http, h: http.get(f"/api/v1/admin/users/{w.accounts['enrolled'].id}/usage", headers=h),
}


def _remove_student(w: World, http: httpx.Client, h: dict[str, str]) -> httpx.Response:
    student = w.fresh_student()
    expect(enroll(w.api, w.teacher, w.course_id, user_id=student.id), 201)
    return http.delete(f"/api/v1/courses/{w.course_id}/enrollments/{student.id}", headers=h)


OK, CREATED, GONE = "200", "201", "204"
LOGIN, UNVERIFIED = "401 not_authenticated", "403 email_not_verified"
NOT_TEACHER, NOT_ENROLLED, NO_COURSE = "403 not_course_teacher", "403 not_enrolled", "404 course_not_found"


def _staff(ok: str) -> dict[str, str]:
    """Only the course's teacher and admins."""
    return {"teacher": ok, "admin": ok, "anonymous": LOGIN,
            **{r: NOT_TEACHER for r in ("other_teacher", "enrolled", "other_student", "unverified")}}  # fmt: skip


def _students(ok: str, *, staff: str = OK) -> dict[str, str]:
    """Enrolled users (verified or not), plus the staff when ``staff``."""
    return {"teacher": staff, "admin": staff, "enrolled": ok, "unverified": ok, "anonymous": LOGIN,
            "other_teacher": NOT_ENROLLED, "other_student": NOT_ENROLLED}  # fmt: skip


SIGNED_IN = {r: OK for r in ROLES} | {"anonymous": LOGIN}
EVERYONE = {r: OK for r in ROLES}
ADMIN_ONLY = {r: "403 admin_required" for r in ROLES} | {"admin": OK, "anonymous": LOGIN}

EXPECTED: dict[str, dict[str, str]] = {
    "create course": {"teacher": CREATED, "other_teacher": CREATED, "admin": CREATED, "anonymous": LOGIN,
                      "enrolled": "403 not_a_teacher", "other_student": "403 not_a_teacher", "unverified": UNVERIFIED},
    "view course": EVERYONE,
    "view draft": {r: NO_COURSE for r in ROLES} | {"teacher": OK, "admin": OK},
    "edit course": _staff(OK),
    "delete course": _staff(GONE),
    "list chapters": EVERYONE,
    "create chapter": _staff(CREATED),
    "read chapter": _students(OK),
    "next chapter": _students(OK),
    "edit chapter": _staff(OK),
    "delete chapter": _staff(GONE),
    "list blocks": _students(OK),
    "create block": _staff(CREATED),
    "edit block": _staff(OK),
    "delete block": _staff(GONE),
    "complete chapter": _students(OK, staff=NOT_ENROLLED) | {"unverified": UNVERIFIED},
    "course progress": _students(OK, staff=NOT_ENROLLED),
    "enrol self": {r: CREATED for r in ROLES} | {"teacher": "422 own_course", "anonymous": LOGIN,
                                                 "unverified": UNVERIFIED},
    "add student": _staff(CREATED),
    "list enrolments": _staff(OK),
    "remove student": _staff(GONE),
    "my courses": SIGNED_IN,
    "my progress": SIGNED_IN,
    "my usage": SIGNED_IN,
    "reset streak": SIGNED_IN | {"unverified": UNVERIFIED},
    "set subscription": ADMIN_ONLY,
    "user usage": ADMIN_ONLY,
}  # fmt: skip


def test_every_action_has_a_row_for_every_role() -> None:
    assert set(EXPECTED) == set(ACTIONS)
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("action", list(ACTIONS))
def test_learning_authorization_matrix(world: World, action: str) -> None:
    got = {}
    for role in ROLES:
        account = world.accounts.get(role)
        r = ACTIONS[action](world, world.api.http, account.headers if account else {})
        code = r.json().get("error_code") if r.status_code >= 400 else None
        got[role] = f"{r.status_code} {code}" if code else str(r.status_code)
    assert got == EXPECTED[action]
