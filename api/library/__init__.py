"""The music catalogue (DESIGN §11): genres, artists, albums, songs and a song's audio."""

from api.library.controllers import AlbumsController, ArtistsController, GenresController
from api.library.songs import SongsController

__all__ = ["AlbumsController", "ArtistsController", "GenresController", "SongsController"]
