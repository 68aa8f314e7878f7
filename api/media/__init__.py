"""Signed, Range-capable downloads of locally stored media."""
