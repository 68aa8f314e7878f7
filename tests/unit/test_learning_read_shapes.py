"""The learning reads' JSON is decoded straight into API bodies: their fields must agree."""

from __future__ import annotations

from api.chapters.schemas import BlockOut, ChapterOut, ChapterSummary
from api.courses.schemas import CourseOut
from api.quizzes.schemas import (
    AttemptOut,
    BestScore,
    QuestionOut,
    QuestionPublic,
    QuizBase,
    QuizOut,
    QuizPublicOut,
    QuizSummary,
)
from api.relationships.schemas import PersonOut
from storage.repositories.chapter_reads import BLOCK_FIELDS, CHAPTER_OUT_FIELDS
from storage.repositories.course_reads import CHAPTER_FIELDS, COURSE_FIELDS, PERSON_FIELDS, Person
from storage.repositories.quiz_reads import ATTEMPT_FIELDS, BEST_FIELDS, QUIZ_FIELDS


def test_the_outline_json_has_exactly_the_fields_of_a_chapter_summary() -> None:
    assert ChapterSummary.__struct_fields__ == CHAPTER_FIELDS
    assert PersonOut.__struct_fields__ == PERSON_FIELDS == Person.__struct_fields__


def test_the_quiz_json_has_exactly_the_fields_of_each_quiz_body() -> None:
    assert QuizBase.__struct_fields__ == QUIZ_FIELDS
    assert QuizOut.__struct_fields__ == QuizPublicOut.__struct_fields__ == (*QUIZ_FIELDS, "questions")
    assert QuizSummary.__struct_fields__ == (*QUIZ_FIELDS, "question_count")


def test_a_students_question_is_a_teachers_without_the_answer() -> None:
    # quiz_reads strips exactly the ``answer`` key in SQL; nothing else may differ between the views
    assert set(QuestionOut.__struct_fields__) - set(QuestionPublic.__struct_fields__) == {"answer"}


def test_the_chapter_json_has_exactly_the_fields_of_a_chapter_body() -> None:
    assert ChapterOut.__struct_fields__ == CHAPTER_OUT_FIELDS


def test_the_course_json_has_exactly_the_fields_of_a_course_body() -> None:
    assert CourseOut.__struct_fields__ == COURSE_FIELDS


def test_the_attempt_json_has_exactly_the_fields_of_an_attempt_and_its_best() -> None:
    assert AttemptOut.__struct_fields__ == ATTEMPT_FIELDS
    assert BestScore.__struct_fields__ == BEST_FIELDS


def test_the_block_json_has_exactly_the_fields_of_a_block_body_before_its_media() -> None:
    assert BlockOut.__struct_fields__ == (*BLOCK_FIELDS, "media")
