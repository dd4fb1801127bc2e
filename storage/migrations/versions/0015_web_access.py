"""the contact book on the web: one-time sign-ins and sessions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

`/web` gives a person a one-time link and a short code (only their hashes are kept) that sign
their account in on the web; a browser keeps a session (the cookie's hash, an expiry, a
revocation). A Telegram Mini App's init data opens one session at most (`init_hash`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owned(table: str) -> list[Any]:
    """The id, the school and the account of a row, with the constraints' conventional names."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=f"fk_{table}_school_id_schools", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["telegram_accounts.id"],
            name=f"fk_{table}_account_id_telegram_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "web_sign_ins",
        *_owned("web_sign_ins"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_web_sign_ins_token_hash"),
        sa.UniqueConstraint("code_hash", name="uq_web_sign_ins_code_hash"),
    )
    op.create_table(
        "web_sessions",
        *_owned("web_sessions"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("init_hash", sa.String(64), nullable=True),
        sa.Column("via", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
        sa.UniqueConstraint("init_hash", name="uq_web_sessions_init_hash"),
    )
    for table in ("web_sign_ins", "web_sessions"):
        for column in ("school_id", "account_id"):
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("web_sign_ins")
