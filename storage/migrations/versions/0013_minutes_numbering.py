"""minutes numbering

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

The minutes of a correction are numbered per school and calendar year from 01 (Nghị định
30/2020: "Số: 01/BB-THNK"), never by the request's id: the number and its year are stored on
the request with the third signature, unique per school and year.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_correction_requests_school_id_minutes_year_minutes_number"


def upgrade() -> None:
    with op.batch_alter_table("correction_requests") as batch:
        batch.add_column(sa.Column("minutes_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("minutes_number", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            op.f(UNIQUE), ["school_id", "minutes_year", "minutes_number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("correction_requests") as batch:
        batch.drop_constraint(op.f(UNIQUE), type_="unique")
        batch.drop_column("minutes_number")
        batch.drop_column("minutes_year")
