"""Administration of accounts: search, (de)activation, e-mail verification, roles (admins only)."""

from api.admin.controllers import AdminUsersController

__all__ = ["AdminUsersController"]
