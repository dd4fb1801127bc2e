"""The run's JSON summary."""

from __future__ import annotations

import json
import resource
import sys
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Violation:
    invariant: str
    seed: int
    at: str
    people: list[str]
    detail: str


@dataclass
class Report:
    seed: int
    simulated_days: int
    classes: int
    pupils: int
    people: int
    linked: int
    messages_delivered: int
    notices: int
    duplicates: int
    kills: int
    violations: list[dict[str, Any]] = field(default_factory=list)
    acts: dict[str, int] = field(default_factory=dict)  # how often people did each thing
    problems: list[str] = field(default_factory=list)
    plants: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    peak_memory_mb: float = 0.0

    def violated(self, invariant: str) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["invariant"] == invariant]

    def to_json(self) -> str:
        data = asdict(self)
        data["violation_count"] = len(self.violations)
        return json.dumps(data, ensure_ascii=False)


def peak_memory_mb() -> float:
    """The process's peak resident memory (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
