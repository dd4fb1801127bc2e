"""accounts, invitations and requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "deletion",
                name="datarequestkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "describing",
                "pending",
                "approved",
                "rejected",
                "done",
                "cancelled",
                name="requeststate",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["telegram_accounts.id"],
            name=op.f("fk_data_requests_account_id_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_data_requests_guardian_id_guardians"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_data_requests_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
    )
    with op.batch_alter_table("data_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_requests_school_id"), ["school_id"], unique=False)

    op.create_table(
        "invitation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_invitation_codes_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_invitation_codes_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_invitation_codes_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_invitation_codes_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_invitation_codes_used_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitation_codes_code_hash")),
    )
    with op.batch_alter_table("invitation_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_codes_guardian_id"), ["guardian_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_codes_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_codes_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "describing",
                "pending",
                "approved",
                "rejected",
                "done",
                "cancelled",
                name="requeststate",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["telegram_accounts.id"],
            name=op.f("fk_link_requests_account_id_telegram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_link_requests_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_link_requests_decided_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_link_requests_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_link_requests_student_id_students"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_requests")),
    )
    with op.batch_alter_table("link_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_requests_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_link_requests_school_id"), ["school_id"], unique=False)

    op.create_table(
        "staged_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "describing",
                "pending",
                "approved",
                "rejected",
                "done",
                "cancelled",
                name="requeststate",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["telegram_accounts.id"],
            name=op.f("fk_staged_imports_account_id_telegram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_staged_imports_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_imports")),
    )
    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staged_imports_school_id"), ["school_id"], unique=False
        )

    with op.batch_alter_table("telegram_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_student_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("failed_codes", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("failed_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_telegram_accounts_current_student_id_students"),
            "students",
            ["current_student_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("telegram_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_telegram_accounts_current_student_id_students"), type_="foreignkey"
        )
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_since")
        batch_op.drop_column("failed_codes")
        batch_op.drop_column("current_student_id")

    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staged_imports_school_id"))

    op.drop_table("staged_imports")
    with op.batch_alter_table("link_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_requests_school_id"))
        batch_op.drop_index(batch_op.f("ix_link_requests_account_id"))

    op.drop_table("link_requests")
    with op.batch_alter_table("invitation_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_codes_staff_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_codes_school_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_codes_guardian_id"))

    op.drop_table("invitation_codes")
    with op.batch_alter_table("data_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_requests_school_id"))

    op.drop_table("data_requests")
