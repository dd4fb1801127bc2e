"""School health check-ups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Created, IntPK, SchoolFK


class HealthCheck(Base):
    """One pupil's screening results on one day, with BMI-for-age against WHO 2007."""

    __tablename__ = "health_checks"

    id: Mapped[IntPK]
    school_id: Mapped[SchoolFK]
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    measured_on: Mapped[date] = mapped_column(Date)
    height_cm: Mapped[float]
    weight_kg: Mapped[float]
    # Eyesight as the eye chart reads it, in the canonical form of
    # bot/features/health/eyesight.py ("10/10", "7/10-2", "12/10", "1/20", "ĐNT 3m"):
    # without glasses, and with them when the nurse measured both.
    vision_left: Mapped[str | None] = mapped_column(String(16))
    vision_right: Mapped[str | None] = mapped_column(String(16))
    vision_left_glasses: Mapped[str | None] = mapped_column(String(16))
    vision_right_glasses: Mapped[str | None] = mapped_column(String(16))
    teeth: Mapped[str | None] = mapped_column(String(500))
    spine: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(String(500))
    bmi: Mapped[float]
    bmi_z: Mapped[float | None]
    height_z: Mapped[float | None]
    nutrition: Mapped[str | None] = mapped_column(String(24))
    stunted: Mapped[bool | None]
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[Created]
