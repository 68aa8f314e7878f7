"""outbox: taken_at, when a worker took the message of a row (tasks recovered from the outbox)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
    # Rows sent before this revision count as taken: a later broker loss must not send them again.
    op.execute("UPDATE outbox SET taken_at = sent_at WHERE sent_at IS NOT NULL")
    op.create_index(
        "ix_outbox_untaken",
        "outbox",
        ["actor_name"],
        unique=False,
        postgresql_where=sa.text("taken_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_untaken", table_name="outbox", postgresql_where=sa.text("taken_at IS NULL"))
    op.drop_column("outbox", "taken_at")
