"""Data-subject rights' rules: the deadline of a deletion request."""

from __future__ import annotations

from datetime import date, timedelta

# Deletion must be completed within 20 days of a valid request (Decree 356, Art. 5).
DELETION_DAYS = 20


def deletion_due(asked_on: date) -> date:
    """The day by which the school must have deleted the data asked for on `asked_on`."""
    return asked_on + timedelta(days=DELETION_DAYS)
