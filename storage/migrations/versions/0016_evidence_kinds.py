"""evidence kinds

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-20

Each evidence file of a correction says what it is, as the teacher marked it with a button
after sending it: "book" (a page of the quality-of-education record book), "test" (the pupil's
test) or "other". A score correction needs both a page of the book and the test (Nguyễn
Khuyến's regulation, Điều 11.2). Files kept before this revision have no kind (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction_files") as batch:
        batch.add_column(sa.Column("evidence_kind", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("correction_files") as batch:
        batch.drop_column("evidence_kind")
