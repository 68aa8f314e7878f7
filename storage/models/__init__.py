"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.jobs import Job, JobState, JobStep, OutboxMessage, StepState
from storage.models.notifications import Notification
from storage.models.recordings import Recording, RecordingStatus, Rendition
from storage.models.users import RefreshToken, Role, User

__all__ = [
    "Base",
    "Job",
    "JobState",
    "JobStep",
    "Notification",
    "OutboxMessage",
    "Recording",
    "RecordingStatus",
    "RefreshToken",
    "Rendition",
    "Role",
    "StepState",
    "User",
]
