"""health screening

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

Eyesight as nurses write it: each eye's value is kept in its canonical written form ("10/10",
"7/10-2", "12/10", "1/20", "ĐNT 3m"; bot/features/health/eyesight.py) instead of whole tenths,
and a second value per eye holds what the child reads with glasses (có kính). A stored 9 becomes
"9/10". Going down, a value that is not whole tenths (1/20, ĐNT 3m, 7/10-2) cannot be kept and
is cleared, and the values with glasses are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EYES = ("vision_left", "vision_right")


def upgrade() -> None:
    with op.batch_alter_table("health_checks") as batch:
        for eye in EYES:
            batch.alter_column(
                eye,
                existing_type=sa.Integer(),
                type_=sa.String(16),
                existing_nullable=True,
                postgresql_using=f"{eye}::varchar",
            )
        for eye in EYES:
            batch.add_column(sa.Column(f"{eye}_glasses", sa.String(16), nullable=True))
    for eye in EYES:
        op.execute(f"UPDATE health_checks SET {eye} = {eye} || '/10' WHERE {eye} IS NOT NULL")


def downgrade() -> None:
    for eye in EYES:
        op.execute(
            f"UPDATE health_checks SET {eye} = NULL "
            f"WHERE {eye} NOT LIKE '%/10' OR {eye} LIKE '%-%' OR {eye} LIKE 'Đ%'"
        )
        op.execute(f"UPDATE health_checks SET {eye} = REPLACE({eye}, '/10', '')")
    with op.batch_alter_table("health_checks") as batch:
        for eye in EYES:
            batch.drop_column(f"{eye}_glasses")
            batch.alter_column(
                eye,
                existing_type=sa.String(16),
                type_=sa.Integer(),
                existing_nullable=True,
                postgresql_using=f"{eye}::integer",
            )
