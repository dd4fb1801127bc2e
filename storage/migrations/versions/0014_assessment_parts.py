"""assessment parts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

The parts of Nghệ thuật (Âm nhạc, Mĩ thuật) and of Tin học và Công nghệ (Tin học, Công nghệ)
are stored as items of their own in the existing assessment tables (`level.AN`, `score.TIN`,
...), so no table changes: this revision only marks the step in the schema's history.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
