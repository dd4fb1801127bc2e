"""Everything sent in bulk or on a schedule: outbox, dispatcher, schedules, read receipts."""
