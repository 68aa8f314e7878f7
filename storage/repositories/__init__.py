"""Repositories: every query of the project lives here, never in controllers or actors."""

from storage.repositories.jobs import JobRepository
from storage.repositories.notifications import NotificationRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.recordings import RecordingRepository
from storage.repositories.users import RefreshTokenRepository, UserRepository

__all__ = [
    "JobRepository",
    "NotificationRepository",
    "OutboxRepository",
    "RecordingRepository",
    "RefreshTokenRepository",
    "UserRepository",
]
