"""Playlists with several owners: the playlist, its ordered items and its members."""
