"""Shared foundations: settings, errors, logging, ids. Imports nothing else from the project."""
