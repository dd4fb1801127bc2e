"""bots

Revision ID: 0017
Revises: 0016
Create Date: 2027-01-25

One deployment, many schools: each school's Telegram bot is a row (token, webhook secret,
enabled), managed with `schoolbot school add|list|disable|enable` and run by the workers
(`schoolbot worker`). A single school run with SCHOOLBOT_TOKEN gets its row at start.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("token", sa.String(128), nullable=False),
        sa.Column("webhook_secret", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_bots_school_id_schools", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bots"),
        sa.UniqueConstraint("school_id", name="uq_bots_school_id"),
        sa.UniqueConstraint("telegram_id", name="uq_bots_telegram_id"),
    )


def downgrade() -> None:
    op.drop_table("bots")
