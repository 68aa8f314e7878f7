"""Quizzes of a course: questions, server-side grading, attempts (DESIGN §10)."""

from api.quizzes.controllers import QuizzesController

__all__ = ["QuizzesController"]
