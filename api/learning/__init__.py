"""Learning progress, streaks, plans and usage (DESIGN §10)."""
