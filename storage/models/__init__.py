"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.feedback import Assessment, Comment, CommentCategory, RecordingViewDay, ShareLink
from storage.models.jobs import Job, JobState, JobStep, OutboxMessage, StepState
from storage.models.notification_settings import NotificationSettings
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
from storage.models.library import (
    Album,
    AlbumArtist,
    Artist,
    CreditRole,
    Genre,
    Song,
    SongCredit,
    album_genres,
    artist_genres,
    song_genres,
)
from storage.models.notifications import Notification
from storage.models.playlists import Playlist, PlaylistItem, PlaylistMember, PlaylistRole
from storage.models.quizzes import Quiz, QuizAttempt
from storage.models.recordings import Recording, RecordingPurpose, RecordingShare, RecordingStatus, Rendition
from storage.models.social import FollowKind, LikeKind
from storage.models.submissions import Submission
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
from storage.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Assessment",
    "Comment",
    "CommentCategory",
    "RecordingViewDay",
    "ShareLink",
    "AccountToken",
    "Album",
    "AlbumArtist",
    "Artist",
    "Base",
    "BlockKind",
    "Chapter",
    "ChapterCompletion",
    "ContentBlock",
    "Course",
    "CoursePrerequisite",
    "Enrollment",
    "CreditRole",
    "ExperienceLevel",
    "FollowKind",
    "Genre",
    "Job",
    "JobState",
    "JobStep",
    "LearningDay",
    "LikeKind",
    "Notification",
    "NotificationSettings",
    "OutboxMessage",
    "Plan",
    "Playlist",
    "PlaylistItem",
    "PlaylistMember",
    "PlaylistRole",
    "Quiz",
    "QuizAttempt",
    "Recording",
    "RecordingPurpose",
    "RecordingShare",
    "RecordingStatus",
    "RefreshToken",
    "Relationship",
    "RelationshipStatus",
    "Rendition",
    "Role",
    "Song",
    "SongCredit",
    "StepState",
    "Submission",
    "Subscription",
    "SubscriptionStatus",
    "TokenPurpose",
    "User",
    "Webhook",
    "WebhookDelivery",
    "album_genres",
    "artist_genres",
    "song_genres",
]
