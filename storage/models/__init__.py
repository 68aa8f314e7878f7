"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.jobs import Job, JobState, JobStep, OutboxMessage, StepState
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
from storage.models.recordings import Recording, RecordingPurpose, RecordingShare, RecordingStatus, Rendition
from storage.models.social import FollowKind, LikeKind
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
    "Album",
    "AlbumArtist",
    "Artist",
    "Base",
    "CreditRole",
    "ExperienceLevel",
    "FollowKind",
    "Genre",
    "Job",
    "JobState",
    "JobStep",
    "LikeKind",
    "Notification",
    "OutboxMessage",
    "Playlist",
    "PlaylistItem",
    "PlaylistMember",
    "PlaylistRole",
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
    "TokenPurpose",
    "User",
    "album_genres",
    "artist_genres",
    "song_genres",
]
