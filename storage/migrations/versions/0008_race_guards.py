"""guards against races between two transactions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

A pupil's weekly notice is queued once a week (two senders at once, the Friday job and a
teacher's "Gửi ngay", cannot both queue it), and a correction has one set of minutes. The row
locks and conditional updates in the code keep both from happening; these unique indexes make
the database refuse it too.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEEKLY = sa.text("kind = 'weekly'")
MINUTES = sa.text("kind = 'minutes'")


def upgrade() -> None:
    # Weekly notices queued twice before this guard keep their deliveries (and the parents'
    # "Phản hồi" keeps working, since the ref stays), but only the first is a weekly notice.
    op.execute(
        "UPDATE notices SET kind = 'weekly_dup' WHERE kind = 'weekly' AND id NOT IN "
        "(SELECT MIN(id) FROM notices WHERE kind = 'weekly' GROUP BY ref)"
    )
    # Minutes made twice: the first is the request's minutes, the others are kept as copies.
    op.execute(
        "UPDATE correction_files SET kind = 'minutes_dup' WHERE kind = 'minutes' AND id NOT IN "
        "(SELECT MIN(id) FROM correction_files WHERE kind = 'minutes' GROUP BY request_id)"
    )
    op.create_index(
        "uq_notices_weekly_ref",
        "notices",
        ["ref"],
        unique=True,
        postgresql_where=WEEKLY,
        sqlite_where=WEEKLY,
    )
    op.create_index(
        "uq_correction_files_minutes",
        "correction_files",
        ["request_id"],
        unique=True,
        postgresql_where=MINUTES,
        sqlite_where=MINUTES,
    )


def downgrade() -> None:
    op.drop_index("uq_correction_files_minutes", table_name="correction_files")
    op.drop_index("uq_notices_weekly_ref", table_name="notices")
