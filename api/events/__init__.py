"""Server-sent events for the caller: job progress, recording ready/failed, notifications."""
