"""Likes (songs, albums, playlists) and follows (artists, users, playlists), and artist news."""
