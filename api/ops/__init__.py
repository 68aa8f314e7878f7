"""Operations: the admin jobs/queues/workers API and the /ops dashboard (admins only)."""

from api.ops.controllers import OpsController, OpsDashboardController

__all__ = ["OpsController", "OpsDashboardController"]
