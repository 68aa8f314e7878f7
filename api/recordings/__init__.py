"""Recordings: streaming upload, listing, detail, update, delete."""
