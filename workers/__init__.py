"""Dramatiq workers (one process group per queue) and the outbox relay."""
