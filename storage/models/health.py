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
    vision_left: Mapped[int | None]  # tenths: 10 is 10/10
    vision_right: Mapped[int | None]
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
