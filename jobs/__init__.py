"""The job lifecycle and the task registry, shared by ``api`` and ``workers`` (see docs/architecture.md)."""
