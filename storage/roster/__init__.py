"""Roster and staff import from the school's own spreadsheet exports."""
