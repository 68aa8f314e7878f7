"""Persistence: models, sessions, repositories, the job state machine and the object store."""
