"""leave requests and link requests

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

A link request keeps the relation the parent claimed ("mother", "father", "grandparent"),
read from their words when the request is made. Rows made before stay NULL: their card reads
the claim from the description, as it did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("link_requests") as batch:
        batch.add_column(sa.Column("claimed_relation", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_requests") as batch:
        batch.drop_column("claimed_relation")
