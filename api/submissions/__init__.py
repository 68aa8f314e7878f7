"""Assignment submissions: students' recordings handed in to a course's assignment blocks."""

from api.submissions.controllers import SubmissionsController

__all__ = ["SubmissionsController"]
