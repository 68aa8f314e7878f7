"""The current user's profile."""
