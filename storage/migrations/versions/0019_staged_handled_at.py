"""staged files: when they were handled

Revision ID: 0019
Revises: 0018
Create Date: 2027-02-03

A staged list (roster, staff, the nurse's health sheet) keeps the moment it was imported or
cancelled, by the bot's clock, so that a late "Xác nhận" or "Hủy" under it says what became of
it and when. Files handled before this revision have no moment (NULL).

No rows are added for the link request reminder's schedule: `schedules.ensure_defaults` gives
every school the default kinds it lacks each time its bot starts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staged_imports") as batch:
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staged_imports") as batch:
        batch.drop_column("handled_at")
