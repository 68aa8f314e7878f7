"""Registration, login, token refresh and logout; the ``current_user`` dependency."""
