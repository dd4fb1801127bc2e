"""notices kept for people who join later

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

A parent's feedback or leave request, or a link request, addressed to a homeroom teacher who
has not joined the bot yet, is kept until `kept_until`: when someone the notice's audience
reaches links, a delivery is queued for them (bot/delivery/kept.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("kept_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_notices_kept", ["school_id", "kept_until"])


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_index("ix_notices_kept")
        batch.drop_column("kept_until")
