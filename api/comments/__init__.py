"""Timestamped comments on recordings: threads, replies, resolving, tombstones."""
