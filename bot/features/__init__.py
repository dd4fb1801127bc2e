"""One package per feature; each exposes `register(features)` (bot/core/features.py)."""
