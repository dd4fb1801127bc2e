"""Shared fixtures: the sandbox plugin and a fresh database per test run."""

pytest_plugins = ["sandbox.pytest_plugin"]
