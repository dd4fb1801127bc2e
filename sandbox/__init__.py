"""A local stand-in for the Telegram Bot API, for tests, demos and benchmarks."""

from sandbox.client import PersonClient, SandboxAdmin, SandboxClientError
from sandbox.config import FaultsConfig, LimitsConfig, SandboxConfig
from sandbox.server import RunningSandbox, build_app, run, running_sandbox, serve
from sandbox.world import World

__all__ = [
    "FaultsConfig",
    "LimitsConfig",
    "PersonClient",
    "RunningSandbox",
    "SandboxAdmin",
    "SandboxClientError",
    "SandboxConfig",
    "World",
    "build_app",
    "run",
    "running_sandbox",
    "serve",
]
