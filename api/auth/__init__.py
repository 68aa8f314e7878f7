"""Accounts and sessions: register, log in, refresh, log out, e-mail verification and passwords;
the ``current_user`` dependency and ``require_verified``."""
