"""web accounts: families without Telegram

Revision ID: 0018
Revises: 0017
Create Date: 2027-01-27

A family that never reached Telegram signs in on the web with the invitation slip's second QR
code: its account is a row of `telegram_accounts` with `channel` "web" (its user and chat ids
are the guardian's id negated, never a Telegram chat). The outbox delivers to it by marking
the deliveries delivered; the family reads them on the web page. Every existing account is
"telegram".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "telegram_accounts",
        sa.Column("channel", sa.String(8), server_default="telegram", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("telegram_accounts") as batch:
        batch.drop_column("channel")
