"""Teacher-student relationships: request, accept, decline, remove, list."""
