"""Workflows and their rules, over storage; no Telegram types here."""
