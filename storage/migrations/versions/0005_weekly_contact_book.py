"""weekly contact book

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "school_breaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_breaks_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_breaks")),
    )
    with op.batch_alter_table("school_breaks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_breaks_school_id"), ["school_id"], unique=False)

    op.create_table(
        "weekly_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "homeroom",
                "subject",
                "health",
                name="commentkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff.id"],
            name=op.f("fk_weekly_comments_author_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_weekly_comments_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_weekly_comments_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_comments")),
        sa.UniqueConstraint(
            "student_id",
            "week_start",
            "kind",
            "subject",
            name=op.f("uq_weekly_comments_student_id_week_start_kind_subject"),
        ),
    )
    with op.batch_alter_table("weekly_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_comments_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_weekly_comments_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "part",
            sa.Enum(
                "morning",
                "afternoon",
                name="daypart",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("excused", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_absences_recorded_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_absences_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_absences_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
        sa.UniqueConstraint(
            "student_id", "day", "part", name=op.f("uq_absences_student_id_day_part")
        ),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_absences_school_id"), ["school_id"], unique=False)

    op.create_table(
        "class_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("hold_missing", sa.Boolean(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_weeks_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_class_weeks_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_class_weeks_sent_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_weeks")),
        sa.UniqueConstraint(
            "class_id", "week_start", name=op.f("uq_class_weeks_class_id_week_start")
        ),
    )
    with op.batch_alter_table("class_weeks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_weeks_school_id"), ["school_id"], unique=False)

    op.create_table(
        "health_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("height_cm", sa.Double(), nullable=False),
        sa.Column("weight_kg", sa.Double(), nullable=False),
        sa.Column("vision_left", sa.Integer(), nullable=True),
        sa.Column("vision_right", sa.Integer(), nullable=True),
        sa.Column("teeth", sa.String(length=500), nullable=True),
        sa.Column("spine", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("bmi", sa.Double(), nullable=False),
        sa.Column("bmi_z", sa.Double(), nullable=True),
        sa.Column("height_z", sa.Double(), nullable=True),
        sa.Column("nutrition", sa.String(length=24), nullable=True),
        sa.Column("stunted", sa.Boolean(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["telegram_accounts.id"],
            name=op.f("fk_health_checks_recorded_by_telegram_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_health_checks_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_health_checks_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_checks")),
    )
    with op.batch_alter_table("health_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_checks_school_id"), ["school_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_health_checks_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "pending_inputs",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["telegram_accounts.id"],
            name=op.f("fk_pending_inputs_account_id_telegram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_pending_inputs_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_pending_inputs")),
    )
    with op.batch_alter_table("pending_inputs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_inputs_school_id"), ["school_id"], unique=False
        )

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(sa.Column("buttons", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_notices_ref"), ["ref"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_ref"))
        batch_op.drop_column("ref")
        batch_op.drop_column("buttons")
        batch_op.drop_column("translations")

    with op.batch_alter_table("pending_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_inputs_school_id"))

    op.drop_table("pending_inputs")
    with op.batch_alter_table("health_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_checks_student_id"))
        batch_op.drop_index(batch_op.f("ix_health_checks_school_id"))

    op.drop_table("health_checks")
    with op.batch_alter_table("class_weeks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_weeks_school_id"))

    op.drop_table("class_weeks")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_school_id"))
        batch_op.drop_index(batch_op.f("ix_absences_day"))

    op.drop_table("absences")
    with op.batch_alter_table("weekly_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_comments_week_start"))
        batch_op.drop_index(batch_op.f("ix_weekly_comments_school_id"))

    op.drop_table("weekly_comments")
    with op.batch_alter_table("school_breaks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_breaks_school_id"))

    op.drop_table("school_breaks")
