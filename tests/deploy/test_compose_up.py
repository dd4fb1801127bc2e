"""`docker compose up` of the district demo, where a Docker engine runs (skipped elsewhere).

It builds the image, starts the demo (profile "demo") and waits until the proxy's /readyz says
the three demo schools' bots run; then it takes everything down with its volumes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "schoolbot-compose-test"
READY_WITHIN = 600.0  # seconds, the image's build included


def _compose() -> list[str]:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed")
    if subprocess.run([docker, "info"], capture_output=True, check=False).returncode:
        pytest.skip("no Docker engine answers (`docker info` failed)")
    if subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        cli = [docker, "compose"]
    elif shutil.which("docker-compose"):
        cli = ["docker-compose"]
    else:
        pytest.skip("neither the compose plugin nor docker-compose is installed")
    return [*cli, "-p", PROJECT, "--env-file", "deploy/demo.env", "--profile", "demo"]


def _ready() -> dict[str, object] | None:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8080/readyz", timeout=5) as answer:
            state = json.load(answer)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


@pytest.mark.timeout(READY_WITHIN + 120)
def test_the_demo_district_comes_up_with_three_schools() -> None:
    compose = _compose()
    subprocess.run([*compose, "up", "-d", "--build"], cwd=ROOT, check=True, timeout=READY_WITHIN)
    try:
        deadline = time.monotonic() + READY_WITHIN
        state = _ready()
        while time.monotonic() < deadline and not (state and state.get("bots") == 3):
            time.sleep(2)  # waiting on containers, not on the bot's clock
            state = _ready()
        assert state == {"ready": True, "bots": 3}
    finally:
        subprocess.run([*compose, "down", "-v"], cwd=ROOT, check=False, timeout=300)
