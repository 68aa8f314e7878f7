"""Persistence: models, sessions, repositories and the object store."""
