"""Full-text search over courses, chapters, the catalogue, playlists and recordings."""
