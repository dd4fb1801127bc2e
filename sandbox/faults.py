"""Faults injected on demand: 5xx answers, slow answers, forbidden people, missing chats."""

from __future__ import annotations

import random
from dataclasses import fields
from typing import Any, Literal

from sandbox.config import FaultsConfig

Decision = Literal["ok", "error", "slow"]


class FaultInjector:
    """Draws deterministic fault decisions from a seeded random generator."""

    def __init__(self, config: FaultsConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def update(self, **changes: Any) -> FaultsConfig:
        """Change some fault settings; a new seed restarts the random sequence."""
        names = {f.name for f in fields(FaultsConfig)}
        for key, value in changes.items():
            if key not in names:
                raise ValueError(f"unknown fault setting: {key}")
            if key in {"forbidden_people", "missing_chats"}:
                value = {int(v) for v in value}
            if key == "methods" and value is not None:
                value = frozenset(str(v).lower() for v in value)
            setattr(self.config, key, value)
        if "seed" in changes:
            self._rng = random.Random(self.config.seed)
        return self.config

    def reset(self) -> None:
        """Switch every fault off."""
        self.config = FaultsConfig(seed=self.config.seed)
        self._rng = random.Random(self.config.seed)

    def decide(self, method: str) -> Decision:
        """Decide the fate of one call to a (lower-case) method."""
        cfg = self.config
        if not cfg.applies_to(method) or (cfg.error_rate <= 0 and cfg.slow_rate <= 0):
            return "ok"
        draw = self._rng.random()
        if draw < cfg.error_rate:
            return "error"
        if draw < cfg.error_rate + cfg.slow_rate:
            return "slow"
        return "ok"

    def snapshot(self) -> dict[str, Any]:
        """Current settings as JSON-ready data."""
        cfg = self.config
        return {
            "seed": cfg.seed,
            "error_rate": cfg.error_rate,
            "error_code": cfg.error_code,
            "error_description": cfg.error_description,
            "slow_rate": cfg.slow_rate,
            "slow_seconds": cfg.slow_seconds,
            "slow_delivers": cfg.slow_delivers,
            "forbidden_people": sorted(cfg.forbidden_people),
            "missing_chats": sorted(cfg.missing_chats),
            "methods": None if cfg.methods is None else sorted(cfg.methods),
        }
