"""The district's deployment files against the code: compose.yaml, the Caddyfile, the image.

They are not run by the other tests, so this keeps them from rotting silently: the services and
their order, every SCHOOLBOT_ variable a setting, health checks on routes the worker serves, the
proxy's upstreams the worker services, and no secret written down. `docker compose config` and
`caddy validate` run where those tools are installed, and are skipped with a reason elsewhere.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.settings import Settings, load_settings
from bot.district.routes import build_routes
from bot.district.worker import District

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DEPLOY = ROOT / "deploy"
CADDYFILE = DEPLOY / "Caddyfile"
WORKERS = ("worker-1", "worker-2")
# A BotFather token, or a password written into a database URL.
TOKEN = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")
URL_PASSWORD = re.compile(r"://[^:/@\s]+:(?!\$\{)[^@\s]+@")
INTERPOLATED = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")
CLI_ONLY = {"SCHOOLBOT_LANGUAGE"}  # read by the command line itself, not a setting


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def env_file(name: str) -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def command(service: str) -> list[str]:
    value = services()[service]["command"]
    assert isinstance(value, list)
    return value


def test_the_services_and_their_profiles() -> None:
    found = services()
    assert set(found) == {"postgres", "migrate", *WORKERS, "proxy", "sandbox", "demo-setup"}
    demo = {name for name, service in found.items() if "demo" in service.get("profiles", [])}
    assert demo == {"sandbox", "demo-setup"}
    assert all("profiles" not in found[name] for name in set(found) - demo)


def test_postgres_keeps_its_data_and_says_when_it_is_ready() -> None:
    postgres = services()["postgres"]
    assert postgres["image"] == "postgres:16"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert compose()["volumes"].keys() >= {"pgdata"}


def test_the_schema_is_upgraded_once_before_the_workers_start() -> None:
    found = services()
    assert command("migrate") == ["schoolbot", "db", "upgrade"]
    assert found["migrate"]["restart"] == "no"
    assert found["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in WORKERS:
        worker = found[name]
        assert command(name) == ["schoolbot", "worker"]
        assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert worker["restart"] == "unless-stopped"
        url = worker["environment"]["SCHOOLBOT_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://") and url.endswith("@postgres:5432/schoolbot")


def test_every_schoolbot_variable_is_a_setting_and_parses() -> None:
    fields = {f"SCHOOLBOT_{name.upper()}" for name in Settings.model_fields} | CLI_ONLY
    demo = env_file("demo.env")
    for name, service in services().items():
        environment = service.get("environment", {})
        unknown = {key for key in environment if key.startswith("SCHOOLBOT_")} - fields
        assert not unknown, f"{name}: {sorted(unknown)} are not settings"
        # With the demo's values filled in, the settings load as the container would load them.
        values = {
            key[len("SCHOOLBOT_") :].lower(): INTERPOLATED.sub(
                lambda m: demo.get(m.group(1), _default(m.group(0))), str(value)
            )
            for key, value in environment.items()
            if key.startswith("SCHOOLBOT_") and key not in CLI_ONLY
        }
        load_settings(_env_file=None, **values)


def _default(expression: str) -> str:
    """The default of ${NAME:-default}, or "" for a variable without one."""
    return expression[2:-1].split(":-", 1)[1] if ":-" in expression else ""


def test_every_interpolated_variable_is_given_by_both_env_files_or_has_a_default() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    required = {m.group(1) for m in INTERPOLATED.finditer(text) if ":-" not in m.group(0)}
    assert "POSTGRES_PASSWORD" in required and "PUBLIC_URL" in required
    for name in ("demo.env", "district.env.example"):
        assert required <= env_file(name).keys(), name


def _worker_port() -> str:
    listen = {services()[name]["environment"]["SCHOOLBOT_LISTEN"] for name in WORKERS}
    assert len(listen) == 1
    return listen.pop().rsplit(":", 1)[1]


def _worker_paths(folder: Path) -> set[str]:
    """The paths the worker really serves (its router, built as `schoolbot worker` builds it)."""
    settings = load_settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/w.db", public_url="http://proxy"
    )
    district = District(settings)
    try:
        return {route.path for route in build_routes(district).routes}
    finally:
        asyncio.run(district.close())


def test_health_checks_ask_routes_the_worker_serves(tmp_path: Path) -> None:
    paths = _worker_paths(tmp_path)
    assert {"/healthz", "/readyz", "/tg/{telegram_id:int}"} <= paths
    port = _worker_port()
    for name in WORKERS:
        probe = " ".join(services()[name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/healthz" in probe
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    health_uri = re.search(r"^\s*health_uri\s+(\S+)", CADDYFILE.read_text(), re.M)
    assert health_uri is not None and health_uri.group(1) in paths


def test_the_proxy_spreads_over_both_workers() -> None:
    caddyfile = CADDYFILE.read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*reverse_proxy\s+(.+?)\s*\{", caddyfile, re.M)
    assert upstreams == [f"worker-1:{_worker_port()} worker-2:{_worker_port()}"]
    assert re.search(r"^\s*lb_policy\s+round_robin\s*$", caddyfile, re.M)
    assert "http://:8080" in caddyfile and "{$DISTRICT_HOST:localhost}" in caddyfile
    proxy = services()["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert set(proxy["depends_on"]) == set(WORKERS)
    # The demo's sandbox posts the webhooks to the proxy's plain port inside the network.
    assert env_file("demo.env")["PUBLIC_URL"] == "http://proxy:8080"


def test_the_demo_runs_the_sandbox_and_adds_schools_with_the_command_line() -> None:
    assert command("sandbox")[:2] == ["schoolbot", "sandbox"]
    assert "0.0.0.0" in command("sandbox")
    assert env_file("demo.env")["TELEGRAM_API_URL"] == "http://sandbox:8081"
    setup = services()["demo-setup"]
    assert setup["depends_on"]["sandbox"]["condition"] == "service_healthy"
    script = DEPLOY / "demo-district.sh"
    assert command("demo-setup") == ["sh", f"/app/deploy/{script.name}"]
    text = script.read_text(encoding="utf-8")
    assert text.count("add_school th-") == 3
    assert "schoolbot school add" in text and "schoolbot import roster" in text
    subprocess.run(["sh", "-n", str(script)], check=True)


def test_no_secret_is_written_down() -> None:
    for path in (COMPOSE, CADDYFILE, ROOT / "Dockerfile", *DEPLOY.glob("*.env*")):
        text = path.read_text(encoding="utf-8")
        assert not TOKEN.search(text), path
        assert not URL_PASSWORD.search(text), path
    assert services()["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")
    assert env_file("district.env.example")["POSTGRES_PASSWORD"] == ""
    assert "district.env" in (DEPLOY / ".gitignore").read_text().split()


def test_the_image_runs_as_a_user_without_dev_extras_or_curl() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "[dev]" not in dockerfile and "curl" not in dockerfile.split("HEALTHCHECK", 1)[1]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ignored[ignored.index("*") :][:1] == ["*"]  # everything out unless let in
    assert {"**/.env", "**/*.db"} <= set(ignored) and "!tests/" not in ignored


def _compose_cli() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode:
        docker = None
    if docker:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    return [standalone]


def test_docker_compose_reads_the_file_with_each_env_file(tmp_path: Path) -> None:
    cli = _compose_cli()
    district = tmp_path / "district.env"
    example = (DEPLOY / "district.env.example").read_text(encoding="utf-8")
    district.write_text(example.replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=x1\n"))
    for env in (DEPLOY / "demo.env", district):
        done = subprocess.run(
            [*cli, "--env-file", str(env), "-f", str(COMPOSE), "config", "--services"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert set(done.stdout.split()) >= {"postgres", "migrate", *WORKERS, "proxy"}
    missing = subprocess.run(
        [*cli, "-f", str(COMPOSE), "config"], capture_output=True, text=True, cwd=tmp_path
    )
    assert missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr


def test_caddy_accepts_the_caddyfile() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    done = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DISTRICT_HOST": "localhost", "HOME": "/tmp"},
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
