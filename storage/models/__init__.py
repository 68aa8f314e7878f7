"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.jobs import Job, JobState, JobStep, OutboxMessage, StepState
from storage.models.learning import (
    BlockKind,
    Chapter,
    ChapterCompletion,
    ContentBlock,
    Course,
    CoursePrerequisite,
    Enrollment,
    LearningDay,
    Plan,
    Subscription,
    SubscriptionStatus,
)
from storage.models.notifications import Notification
from storage.models.recordings import Recording, RecordingShare, RecordingStatus, Rendition
from storage.models.users import (
    AccountToken,
    ExperienceLevel,
    RefreshToken,
    Relationship,
    RelationshipStatus,
    Role,
    TokenPurpose,
    User,
)

__all__ = [
    "AccountToken",
    "Base",
    "BlockKind",
    "Chapter",
    "ChapterCompletion",
    "ContentBlock",
    "Course",
    "CoursePrerequisite",
    "Enrollment",
    "ExperienceLevel",
    "Job",
    "JobState",
    "JobStep",
    "LearningDay",
    "Notification",
    "OutboxMessage",
    "Plan",
    "Recording",
    "RecordingShare",
    "RecordingStatus",
    "RefreshToken",
    "Relationship",
    "RelationshipStatus",
    "Rendition",
    "Role",
    "StepState",
    "Subscription",
    "SubscriptionStatus",
    "TokenPurpose",
    "User",
]
