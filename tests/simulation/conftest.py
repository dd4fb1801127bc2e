"""The simulation's long tests are marked `slow`: `make test` skips them; run them with
`SCHOOLBOT_SLOW=1` (or `-m slow`)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a long simulation run, skipped unless SCHOOLBOT_SLOW=1 or -m slow"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = os.environ.get("SCHOOLBOT_SLOW") == "1" or "slow" in (config.getoption("-m") or "")
    if asked:
        return
    skip = pytest.mark.skip(reason="a long simulation run: set SCHOOLBOT_SLOW=1 or use -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
