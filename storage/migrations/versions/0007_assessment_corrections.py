"""assessment corrections

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("period", sa.String(length=3), nullable=False),
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column(
            "set_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_assessment_locks_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_assessment_locks_set_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_locks")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "period",
            "scope",
            name=op.f("uq_assessment_locks_school_id_school_year_period_scope"),
        ),
    )
    with op.batch_alter_table("assessment_locks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_locks_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "assessment_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("period", sa.String(length=3), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_assessment_periods_published_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_assessment_periods_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_periods")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "period",
            name=op.f("uq_assessment_periods_school_id_school_year_period"),
        ),
    )
    with op.batch_alter_table("assessment_periods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_periods_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "assessment_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("period", sa.String(length=3), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "level",
                "score",
                "quality",
                name="assessmentkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=24), nullable=False),
        sa.Column("relocked", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_assessment_results_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_assessment_results_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_assessment_results_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_assessment_results_updated_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint(
            "student_id",
            "school_year",
            "period",
            "kind",
            "item",
            name=op.f("uq_assessment_results_student_id_school_year_period_kind_item"),
        ),
    )
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_results_class_id"), ["class_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_results_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "correction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=3), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "level",
                "score",
                "quality",
                name="assessmentkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=24), nullable=True),
        sa.Column("new_value", sa.String(length=24), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "entry_error",
                "remarked",
                "retest",
                "additional",
                name="correctionreason",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "needs_info",
                "rejected",
                "approved",
                "applied",
                "signed",
                name="correctionstate",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("outcome_before", sa.String(length=8), nullable=True),
        sa.Column("outcome_after", sa.String(length=8), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requester_account", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_role", sa.String(length=16), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("applied_by", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["applied_by"],
            ["staff.id"],
            name=op.f("fk_correction_requests_applied_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_correction_requests_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["staff.id"],
            name=op.f("fk_correction_requests_decided_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["staff.id"],
            name=op.f("fk_correction_requests_requested_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_account"],
            ["telegram_accounts.id"],
            name=op.f("fk_correction_requests_requester_account_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_correction_requests_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_correction_requests_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_requests")),
        sa.UniqueConstraint("open_key", name=op.f("uq_correction_requests_open_key")),
    )
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_requests_requested_by"), ["requested_by"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_correction_requests_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_correction_requests_school_year"), ["school_year"], unique=False
        )

    op.create_table(
        "leader_absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_leader_absences_created_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_leader_absences_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_leader_absences_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leader_absences")),
    )
    with op.batch_alter_table("leader_absences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leader_absences_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "correction_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("telegram_file_id", sa.String(length=255), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_correction_files_added_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["correction_requests.id"],
            name=op.f("fk_correction_files_request_id_correction_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_correction_files_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_files")),
    )
    with op.batch_alter_table("correction_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_files_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_correction_files_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "correction_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["correction_requests.id"],
            name=op.f("fk_correction_signatures_request_id_correction_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_correction_signatures_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_signatures")),
        sa.UniqueConstraint(
            "request_id", "role", name=op.f("uq_correction_signatures_request_id_role")
        ),
    )
    with op.batch_alter_table("correction_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_signatures_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("correction_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_signatures_request_id"))

    op.drop_table("correction_signatures")
    with op.batch_alter_table("correction_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_files_school_id"))
        batch_op.drop_index(batch_op.f("ix_correction_files_request_id"))

    op.drop_table("correction_files")
    with op.batch_alter_table("leader_absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leader_absences_school_id"))

    op.drop_table("leader_absences")
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_requests_school_year"))
        batch_op.drop_index(batch_op.f("ix_correction_requests_school_id"))
        batch_op.drop_index(batch_op.f("ix_correction_requests_requested_by"))

    op.drop_table("correction_requests")
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_results_school_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_results_class_id"))

    op.drop_table("assessment_results")
    with op.batch_alter_table("assessment_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_periods_school_id"))

    op.drop_table("assessment_periods")
    with op.batch_alter_table("assessment_locks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_locks_school_id"))

    op.drop_table("assessment_locks")
