"""Profiles: the caller's own account and profile photo, and other users' public profiles."""
