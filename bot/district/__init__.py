"""A district's worker: one process running the bot of every enabled school (docs/district.md)."""
